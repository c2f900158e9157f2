package org.loket.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.results.CheckedNode;
import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * WCAG 2.1 AA, the Dutch government's "Digitoegankelijk" standard (EN 301 549), on the three pages in
 * a real headless Chromium. Deque's axe-core (its rules of WCAG 2.0 and 2.1, levels A and AA; the
 * script is inside its jar and injected into the page, nothing is fetched) runs on each page in the
 * states a person meets: the chat before it starts, with the bot's menu, waiting in the queue, with
 * an agent; the desktop's login, ready, with an offer, in a conversation; the wallboard signed in
 * with its rows. Then what axe cannot judge: a citizen who uses only the keyboard (Tab, Enter,
 * Space, typing) starts a chat, chooses the language and the menu's options and writes; after each
 * of the bot's steps focus is on what comes next, never lost to the page, and shows; the page's
 * {@code lang} follows the language chosen; the chat reflows at 320 CSS pixels (WCAG 1.4.10: 1280
 * at 400 %) without sideways scrolling; an agent who uses only the keyboard logs in, hears the offer
 * (an assertive live region) and finds focus on its Accept button, accepts and writes. Screenshots
 * land in target/screenshots.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES) // includes installing chromium on a fresh machine
class AccessibilityIT {
    /** The rules of WCAG 2.0 and 2.1 at levels A and AA; axe's best practices and WCAG 2.2 are not asked here. */
    private static final List<String> WCAG_21_AA = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa");
    /** WCAG 1.4.10 Reflow: 320 CSS pixels wide. */
    private static final int NARROW = 320;

    @Test
    void everyPageMeetsWcag21AaAndWorksByKeyboard() throws Exception {
        try (TestEngine t = new TestEngine(Map.of("chat.wallboard-update-ms", "200", "chat.position-update-ms", "200"))) {
            Browser.run(driver -> run(t, driver));
        }
    }

    private static void run(TestEngine t, ChromeDriver driver) throws Exception {
        WebDriverWait wait = Browser.await(driver);
        String base = t.http();

        // The agent desktop: the login form, by keyboard; focus waits where offers come.
        driver.get(base + "/desktop");
        String desk = driver.getWindowHandle();
        noViolations(driver, "desktop, login form");
        press(driver, Keys.TAB);
        assertFocus(driver, "INPUT#agent");
        press(driver, "chat-desk-001", Keys.TAB, TestEngine.SECRET, Keys.ENTER);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("state"), "ready"));
        assertFocus(driver, "H2#offers-heading");
        noViolations(driver, "desktop, ready");
        Browser.screenshot(driver, "a11y-01-desktop-ready");
        // Paused by keyboard (back from the heading: Log out, Pause), so the citizen below waits in the queue.
        back(driver);
        assertFocus(driver, "BUTTON#logout Log out");
        back(driver);
        assertFocus(driver, "BUTTON#pause Pause");
        press(driver, Keys.ENTER);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("state"), "paused"));
        awaitFocus(driver, "BUTTON#pause Pause"); // the button, disabled until the answer, has it back
        assertFocusShows(driver);

        // The citizen: a window 320 CSS pixels wide, only the keyboard.
        driver.switchTo().newWindow(WindowType.WINDOW);
        String citizen = driver.getWindowHandle();
        driver.manage().window().setSize(new Dimension(NARROW, 640));
        driver.get(base + "/chat");
        assertThat(driver.executeScript("return window.innerWidth;")).as("the window is 320 CSS pixels wide").isEqualTo((long) NARROW);
        noViolations(driver, "chat, before it starts");
        reflows(driver, "chat, before it starts");
        Browser.screenshot(driver, "a11y-02-chat-start-320");
        press(driver, Keys.TAB);
        assertFocus(driver, "BUTTON#start Start chat");
        assertFocusShows(driver);
        press(driver, Keys.ENTER);
        // Started in the browser's language (English): the language menu's first button has focus.
        awaitFocus(driver, "BUTTON.option");
        assertThat(lang(driver)).as("the page follows the conversation's language").isEqualTo("en");
        assertFocus(driver, "BUTTON.option Nederlands");
        assertFocusShows(driver);
        driver.executeScript("document.querySelector('#log .line.bot').loketMark = 'first';");
        press(driver, Keys.ENTER);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "Kies 1 voor inloggen"));
        awaitFocus(driver, "BUTTON.option login");
        assertThat(lang(driver)).as("Nederlands chosen: the page is Dutch").isEqualTo("nl");
        assertThat(driver.executeScript("return document.title;")).isEqualTo("Chat met de helpdesk · DigiD & MijnOverheid");
        assertThat(driver.findElement(By.id("send")).getText()).isEqualTo("Verstuur");
        assertThat(driver.executeScript("return Array.from(document.querySelectorAll('#log .line.bot > span:not(.sr-only)'))"
                + ".map(function (s) { return s.lang; });"))
                .as("each of the bot's lines keeps its own language").isEqualTo(List.of("en", "nl"));
        noViolations(driver, "chat, the bot's menu");
        reflows(driver, "chat, the bot's menu");
        Browser.screenshot(driver, "a11y-03-chat-menu-320");
        // The third option ("application"), by Tab, chosen with the space bar.
        press(driver, Keys.TAB, Keys.TAB);
        assertFocus(driver, "BUTTON.option application");
        press(driver, Keys.SPACE);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "Kies 2 om een medewerker te spreken"));
        awaitFocus(driver, "BUTTON.option activation letter");
        press(driver, Keys.TAB);
        assertFocus(driver, "BUTTON.option application – medewerker");
        press(driver, Keys.ENTER);
        // A queue's leaf: no buttons, so focus goes on to the message field; the position is said politely.
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Positie in de wachtrij: 1"));
        awaitFocus(driver, "INPUT#text");
        assertFocusShows(driver);
        assertThat(driver.executeScript("const s = document.getElementById('status'); return s.getAttribute('role') + ' '"
                + " + s.getAttribute('aria-live');")).isEqualTo("status polite");
        assertThat(driver.executeScript("const l = document.getElementById('log'); return [l.getAttribute('role'),"
                + " l.querySelector('.line.bot').loketMark, l.querySelectorAll('.line').length];"))
                .as("a log whose lines are added, never written again (a screen reader reads only the new ones)")
                .isEqualTo(List.of("log", "first", 7L));
        press(driver, "Mijn activeringsbrief is niet gekomen.", Keys.ENTER);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#log .line.citizen:last-child"),
                "Mijn activeringsbrief is niet gekomen."));
        noViolations(driver, "chat, waiting in the queue");
        reflows(driver, "chat, waiting in the queue");
        Browser.screenshot(driver, "a11y-04-chat-queued-320");

        // The agent is ready again (by keyboard): the offer is said at once and its Accept has focus.
        driver.switchTo().window(desk);
        back(driver);
        back(driver);
        assertFocus(driver, "BUTTON#ready Ready");
        press(driver, Keys.ENTER);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#offers .offer")));
        assertThat(driver.executeScript("const a = document.getElementById('offer-alert');"
                + " return a.getAttribute('aria-live') + ' | ' + a.textContent;"))
                .isEqualTo("assertive | New offer: chat · digid-chat · to-application. Accept or decline.");
        awaitFocus(driver, "BUTTON.primary.accept");
        assertFocusShows(driver);
        noViolations(driver, "desktop, an offer");
        Browser.screenshot(driver, "a11y-05-desktop-offer");
        press(driver, Keys.ENTER);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#conversations .conversation")));
        awaitFocus(driver, "INPUT.grow.reply");
        press(driver, "Goedemiddag, ik help u verder.", Keys.ENTER);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#conversations .transcript"), "Goedemiddag"));
        noViolations(driver, "desktop, in a conversation");
        Browser.screenshot(driver, "a11y-06-desktop-conversation");

        // The citizen with the agent.
        driver.switchTo().window(citizen);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "Goedemiddag, ik help u verder."));
        wait.until(ExpectedConditions.textToBe(By.id("status"), "Een medewerker is bij u"));
        assertFocus(driver, "INPUT#text");
        press(driver, "Dank u.", Keys.ENTER);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#log .line.citizen:last-child"), "Dank u."));
        assertThat(driver.executeScript("return document.querySelector('#log .line.agent .sr-only').textContent;"))
                .as("who wrote it, in the page's language").isEqualTo("Medewerker: ");
        noViolations(driver, "chat, with an agent");
        reflows(driver, "chat, with an agent");
        Browser.screenshot(driver, "a11y-07-chat-agent-320");

        // The wallboard, a supervisor signed in, with its rows, on its 1280-pixel screen.
        driver.switchTo().newWindow(WindowType.WINDOW);
        driver.manage().window().setSize(new Dimension(1280, 1000));
        driver.get(base + "/wallboard");
        noViolations(driver, "wallboard, the sign-in forms");
        driver.findElement(By.id("supervisor")).sendKeys("floor-lead");
        driver.findElement(By.id("secret")).sendKeys(TestEngine.SECRET, Keys.ENTER);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("announce-form")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#agents tr[data-agent='chat-desk-001']"), "busy"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#queues tr[data-queue='digid-chat']")));
        assertThat(driver.executeScript("return Array.from(document.querySelectorAll('#queues th, #agents th'))"
                + ".filter(function (h) { return !h.scope; }).length;")).as("every header says what it heads").isEqualTo(0L);
        assertThat(driver.executeScript("const h = document.querySelector(\"#agents tr[data-agent='chat-desk-001']\").cells[0];"
                + " return h.tagName + ' ' + h.scope;")).as("the agent's name heads its row").isEqualTo("TH row");
        // An alarm (red) is said in a sign and a word too: the stylesheet's, on a cell the page marks.
        assertThat(driver.executeScript("const c = document.querySelector(\"#queues tr[data-queue='digid-chat']\").cells[3];"
                + " c.classList.add('alarm'); const before = getComputedStyle(c, '::before').content;"
                + " c.classList.remove('alarm'); return before;")).asString().contains("alarm");
        noViolations(driver, "wallboard, signed in with rows");
        Browser.screenshot(driver, "a11y-08-wallboard");
    }

    /** Runs axe's WCAG 2.0/2.1 A and AA rules on the page as it is; fails listing each violation and where. */
    private static void noViolations(ChromeDriver driver, String state) {
        Results results = new AxeBuilder().withTags(WCAG_21_AA).analyze(driver);
        assertThat(results.isErrored()).as("axe ran on %s: %s", state, results.getErrorMessage()).isFalse();
        List<String> found = new ArrayList<>();
        for (Rule rule : results.getViolations()) {
            for (CheckedNode node : rule.getNodes()) {
                found.add(rule.getId() + " (" + rule.getImpact() + "): " + rule.getHelp() + "\n      at " + node.getTarget()
                        + " " + node.getHtml() + "\n      " + String.valueOf(node.getFailureSummary()).replace("\n", "\n      "));
            }
        }
        assertThat(found).as("WCAG 2.1 AA violations on %s", state).isEmpty();
        assertThat(results.getPasses()).as("axe checked something on %s", state).isNotEmpty();
    }

    /** WCAG 1.4.10: nothing wider than the window, so nothing scrolls sideways. */
    private static void reflows(ChromeDriver driver, String state) {
        List<?> widths = (List<?>) driver.executeScript("const e = document.documentElement; return [e.scrollWidth, e.clientWidth];");
        assertThat((Long) widths.get(0)).as("no horizontal scrolling at %d CSS pixels (scroll width, client width %s): %s",
                NARROW, widths.get(1), state).isLessThanOrEqualTo((Long) widths.get(1));
    }

    /** Keys to the focused element, as a keyboard types them. */
    private static void press(ChromeDriver driver, CharSequence... keys) {
        new Actions(driver).sendKeys(keys).perform();
    }

    /** Shift+Tab: focus back to the previous control. */
    private static void back(ChromeDriver driver) {
        new Actions(driver).keyDown(Keys.SHIFT).sendKeys(Keys.TAB).keyUp(Keys.SHIFT).perform();
    }

    private static String lang(ChromeDriver driver) {
        return (String) driver.executeScript("return document.documentElement.lang;");
    }

    /** The focused element as "TAG#id", or "TAG.class" when it has no id, and a button's text (what the keyboard is on). */
    private static String focus(ChromeDriver driver) {
        return (String) driver.executeScript("const a = document.activeElement; if (!a) { return 'nothing'; }"
                + " return a.tagName + (a.id ? '#' + a.id : a.className ? '.' + a.className.split(' ').join('.') : '')"
                + " + (a.tagName === 'BUTTON' ? ' ' + a.textContent : '');");
    }

    /** Waits until focus is on an element whose {@link #focus} starts with {@code expected}. */
    private static void awaitFocus(ChromeDriver driver, String expected) {
        Browser.await(driver).withMessage(() -> "focus on " + expected + ", but it is on " + focus(driver))
                .until(d -> focus(driver).startsWith(expected));
    }

    private static void assertFocus(ChromeDriver driver, String expected) {
        assertThat(focus(driver)).as("focus").isEqualTo(expected);
    }

    /** The focused element shows it (WCAG 2.4.7): an outline of 2 pixels or more. */
    private static void assertFocusShows(ChromeDriver driver) {
        assertThat(driver.executeScript("const s = getComputedStyle(document.activeElement);"
                + " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;"))
                .as("a visible focus indicator on %s", focus(driver)).isEqualTo(true);
    }
}
