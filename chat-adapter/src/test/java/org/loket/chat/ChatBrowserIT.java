package org.loket.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.loket.core.command.CommandType;
import org.loket.core.decision.Outcome;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The whole story in a real headless Chromium: a citizen chats with the bot, asks for a human, an
 * agent on the desktop accepts, they exchange messages, the citizen reloads and resumes, the agent
 * transfers warmly to the tax-office queue with a note and stays in the chat until a second agent
 * takes it, who wraps up; the
 * wallboard shows it. Screenshots of every page land in target/screenshots.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES) // includes installing chromium on a fresh machine
class ChatBrowserIT {

    @Test
    void citizenBotHumanTransferWrapUpAndWallboard() throws Exception {
        try (TestEngine t = new TestEngine(Map.of("chat.wallboard-update-ms", "200", "chat.position-update-ms", "200"))) {
            Browser.run(driver -> run(t, driver));
        }
    }

    private static void run(TestEngine t, ChromeDriver driver) throws Exception {
        WebDriverWait wait = Browser.await(driver);
        String base = t.http();

        // Agent 1 logs in on the desktop and is ready.
        driver.get(base + "/desktop");
        String desk1 = driver.getWindowHandle();
        login(driver, wait, "chat-desk-001");
        // Logged in, the page holds the secret nowhere: the field is empty, the tab keeps the session alone.
        wait.until(d -> driver.executeScript("return sessionStorage.getItem('loket.desktop.session');") != null);
        assertThat(driver.findElement(By.id("secret")).getDomProperty("value")).isEmpty();
        assertThat((String) driver.executeScript("return [JSON.stringify(sessionStorage), JSON.stringify(localStorage),"
                + " JSON.stringify(window.credentials), document.documentElement.outerHTML,"
                + " Object.keys(window).filter(function (k) { return typeof window[k] === 'string'; })"
                + ".map(function (k) { return window[k]; }).join(' ')].join(' ');"))
                .contains("loket.desktop.session").doesNotContain(TestEngine.SECRET);
        // A reload resumes the agent with the session, without the secret.
        driver.navigate().refresh();
        wait.until(ExpectedConditions.textToBe(By.id("who"), "· chat-desk-001"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("state"), "ready"));
        assertThat(driver.findElement(By.id("login-form")).isDisplayed()).as("no login form after the reload").isFalse();
        assertThat(driver.findElement(By.id("secret")).getDomProperty("value")).isEmpty();
        recordSentFrames(driver);
        Browser.screenshot(driver, "01-desktop-ready");

        // The citizen chats with the bot and asks for a human.
        driver.switchTo().newWindow(WindowType.TAB);
        String citizen = driver.getWindowHandle();
        driver.get(base + "/chat");
        driver.findElement(By.id("start")).click();
        clickOption(driver, wait, "English");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "Press 1 for logging in"));
        Browser.screenshot(driver, "02-chat-bot-menu");
        typeAndSend(driver, By.id("text"), By.id("send"), "Application"); // typed instead of clicked: the button's words
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "Press 1 if you are waiting"));
        clickOption(driver, wait, "talk to an agent");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "connecting you to an agent"));

        // The desktop receives the offer with the path taken and accepts.
        driver.switchTo().window(desk1);
        WebElement offer = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#offers .offer")));
        assertThat(offer.findElement(By.className("path")).getText())
                .isEqualTo("Path: welcome → main-menu → application-menu → to-application");
        Browser.screenshot(driver, "03-desktop-offer");
        offer.findElement(By.className("accept")).click();
        WebElement conversation = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#conversations .conversation")));
        String contact = conversation.getAttribute("data-contact");

        driver.switchTo().window(citizen);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "An agent has joined")); // in English, the language chosen
        typeAndSend(driver, By.id("text"), By.id("send"), "My activation letter never arrived.");
        driver.switchTo().window(desk1);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#conv-" + contact + " .transcript"),
                "My activation letter never arrived."));
        WebElement card = driver.findElement(By.id("conv-" + contact));
        typeAndSend(driver, card.findElement(By.className("reply")), card.findElement(By.className("send")),
                "I can help. Is it also about your tax return?");
        driver.switchTo().window(citizen);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "Is it also about your tax return?"));
        typeAndSend(driver, By.id("text"), By.id("send"), "Yes, the tax return.");

        // The citizen reloads the page: same conversation, transcript back.
        driver.navigate().refresh();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("session"), "Conversation resumed"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "Is it also about your tax return?"));
        Browser.screenshot(driver, "04-chat-with-agent-after-reload");

        // The citizen's tab goes elsewhere: the agent's card says the citizen is offline, until they are back.
        driver.get("about:blank");
        driver.switchTo().window(desk1);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#conv-" + contact + " .citizen-offline")));
        Browser.screenshot(driver, "04b-desktop-citizen-offline");
        driver.switchTo().window(citizen);
        driver.get(base + "/chat");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("session"), "Conversation resumed"));
        driver.switchTo().window(desk1);
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("#conv-" + contact + " .citizen-offline")));
        driver.switchTo().window(citizen);

        // A second agent logs in; the first introduces the citizen to the tax office with a note (a warm
        // transfer after which the first agent stays, the three writing together, until they leave).
        driver.switchTo().newWindow(WindowType.TAB);
        String desk2 = driver.getWindowHandle();
        driver.get(base + "/desktop");
        login(driver, wait, "tax-desk-001");
        recordSentFrames(driver);
        driver.switchTo().window(desk1);
        card = driver.findElement(By.id("conv-" + contact));
        wait.until(ExpectedConditions.textToBePresentInElement(card.findElement(By.className("transcript")), "Yes, the tax return."));
        new Select(card.findElement(By.className("transfer-queue"))).selectByValue("tax-handover-chat");
        // A colleague's name mistyped: said on the contact's card, where the agent looks, and Transfer works again.
        card.findElement(By.className("transfer-agent")).sendKeys("tax-desk-01");
        card.findElement(By.className("transfer-button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#conv-" + contact + " .card-error"),
                "transfer names no agent 'tax-desk-01' of the roster"));
        assertThat(driver.findElement(By.id("error")).getText()).as("not at the top: it is this contact's").isEmpty();
        wait.until(ExpectedConditions.elementToBeClickable(card.findElement(By.className("transfer-button"))));
        card.findElement(By.className("transfer-agent")).clear();
        card.findElement(By.className("transfer-agent")).sendKeys("tax-desk-001");
        card.findElement(By.className("transfer-note")).sendKeys("Wrong door: tax return question; activation letter explained.");
        assertThat(card.findElement(By.className("transfer-introduce-label")).isDisplayed()).as("a chat is introduced too").isTrue();
        card.findElement(By.className("transfer-introduce")).click();
        assertThat(card.findElement(By.className("transfer-warm")).isSelected()).as("an introduction is warm").isTrue();
        Browser.screenshot(driver, "05-desktop-transfer");
        new Actions(driver).doubleClick(card.findElement(By.className("transfer-button"))).perform();
        // Warm: the first agent stays in the chat (and may still write) until the colleague accepts, and on.
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#conv-" + contact + " .handover-status"),
                "stay in the chat; your colleague joins it when they accept"));
        card = driver.findElement(By.id("conv-" + contact));
        assertThat(sent(driver, "transfer")).as("the mistyped one, then one for a double click").isEqualTo(2);
        assertThat(card.findElement(By.className("card-error")).getText()).as("cleared by the transfer").isEmpty();
        typeAndSend(driver, card.findElement(By.className("reply")), card.findElement(By.className("send")),
                "A tax colleague will take over in a moment.");
        Browser.screenshot(driver, "05b-desktop-staying-after-warm-transfer");
        driver.switchTo().window(citizen);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "your agent stays with you until a colleague takes over"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "A tax colleague will take over in a moment."));

        driver.switchTo().window(desk2);
        WebElement offer2 = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("offer-" + contact)));
        assertThat(offer2.getText()).contains("tax-handover-chat (tax-desk-001)", "Wrong door: tax return question",
                "My activation letter never arrived.");
        Browser.screenshot(driver, "06-desktop2-offer-with-note");
        offer2.findElement(By.className("accept")).click();
        WebElement card2 = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("conv-" + contact)));
        assertThat(card2.findElements(By.cssSelector(".transcript .colleague"))).extracting(WebElement::getText)
                .as("what the first agent wrote, before and while staying, named")
                .contains("chat-desk-001: I can help. Is it also about your tax return?", "chat-desk-001: A tax colleague will take over in a moment.");
        assertThat(card2.findElement(By.className("handover-status")).getText()).contains("chat-desk-001 is introducing the citizen");
        driver.switchTo().window(desk1);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#conv-" + contact + " .handover-status"),
                "tax-desk-001 joined: introduce the citizen, then Leave"));
        card = driver.findElement(By.id("conv-" + contact));
        typeAndSend(driver, card.findElement(By.className("reply")), card.findElement(By.className("send")),
                "This is my colleague from the tax office.");
        Browser.screenshot(driver, "06b-desktop-introducing");
        driver.switchTo().window(desk2);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#conv-" + contact + " .transcript .colleague:last-child"),
                "chat-desk-001: This is my colleague from the tax office."));
        driver.switchTo().window(citizen);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "This is my colleague from the tax office."));
        driver.switchTo().window(desk1);
        driver.findElement(By.cssSelector("#conv-" + contact + " .leave")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("conv-" + contact))); // released: the introduction is done
        driver.switchTo().window(citizen);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "Your first agent left; the colleague helps you on"));
        driver.switchTo().window(desk2);
        wait.until(d -> !d.findElement(By.cssSelector("#conv-" + contact + " .handover")).isDisplayed()); // the chat is theirs alone
        card2 = driver.findElement(By.id("conv-" + contact));
        typeAndSend(driver, card2.findElement(By.className("reply")), card2.findElement(By.className("send")),
                "Tax office here, I have your story.");
        driver.switchTo().window(citizen);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "Tax office here, I have your story."));

        // The wallboard shows the live picture.
        driver.switchTo().newWindow(WindowType.TAB);
        driver.get(base + "/wallboard#token=" + TestEngine.SUPERVISOR_TOKEN);
        String board = driver.getWindowHandle();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#agents tr[data-agent='tax-desk-001']"), "busy"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#agents tr[data-agent='chat-desk-001']"), "ready"));
        // The token is out of the address at once, and kept for this tab only (a reload shows the board again).
        assertThat(driver.getCurrentUrl()).doesNotContain(TestEngine.SUPERVISOR_TOKEN).doesNotContain("#");
        assertThat(driver.executeScript("return [sessionStorage.getItem('loket.wallboard.subscribe'), localStorage.length];"))
                .isEqualTo(java.util.List.of("{\"type\":\"subscribe\",\"token\":\"" + TestEngine.SUPERVISOR_TOKEN + "\"}", 0L));
        // Rows are updated in place across pushes: a mark set on these elements now is still there after the changes below.
        driver.executeScript("document.querySelector(\"#agents tr[data-agent='tax-desk-001']\").loketMark = 'kept';"
                + " document.querySelector(\"#queues tr[data-queue='digid-chat']\").loketMark = 'kept';");
        // The floor at a glance: the two desks logged in, chat-desk-001 ready, tax-desk-001 busy.
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("agent-totals"), "ready 1 · offered 0 · busy 1 · wrap-up 0 · paused 0"));
        Browser.screenshot(driver, "07-wallboard-busy");

        // Agent 2 asks for a break while still in the chat: it begins once the chat is done, and the
        // wallboard says so (busy, "then break").
        driver.switchTo().window(desk2);
        new Select(driver.findElement(By.id("pause-reason"))).selectByValue("break");
        driver.findElement(By.id("pause")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("reason"), "(break) · busy"));
        driver.switchTo().window(board);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#agents tr[data-agent='tax-desk-001']"), "then break"));
        assertThat(driver.executeScript("return Array.from(document.querySelector('#agents tr[data-agent=\"tax-desk-001\"]').cells)"
                + ".slice(1, 3).map(c => c.textContent).join(' | ');")).isEqualTo("busy | then break");
        Browser.screenshot(driver, "07b-wallboard-break-to-come");

        // Agent 2's softphone stops answering (the telephony adapter switches its voice off): both
        // pages say why no calls come, the break to come stays; back, the line is as it was.
        t.voice(t.agentId("tax-desk-001"), false);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#agents tr[data-agent='tax-desk-001']"),
                "then break · no calls: phone does not answer"));
        driver.switchTo().window(desk2);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("reason"),
                "(break) · busy · your phone does not answer, so Loket offers you no calls (other work goes on)"));
        Browser.screenshot(driver, "07c-desktop2-phone-does-not-answer");
        t.voice(t.agentId("tax-desk-001"), true);
        wait.until(d -> !driver.findElement(By.id("reason")).getText().contains("phone"));
        assertThat(driver.findElement(By.id("reason")).getText()).startsWith("(break) · busy");
        driver.switchTo().window(board);
        wait.until(d -> driver.executeScript("return document.querySelector('#agents tr[data-agent=\"tax-desk-001\"]').cells[2].textContent;")
                .equals("then break"));

        // Agent 2 ends the chat and wraps up.
        driver.switchTo().window(desk2);
        card2 = driver.findElement(By.id("conv-" + contact));
        card2.findElement(By.className("end")).click();
        // A mis-click does not end the chat: the card asks first.
        WebElement confirmEnd = card2.findElement(By.className("end-confirm"));
        assertThat(confirmEnd.isDisplayed()).isTrue();
        assertThat(confirmEnd.getText()).startsWith("End this chat? The citizen cannot write in it any more.");
        assertThat(card2.findElement(By.className("end")).isDisplayed()).isFalse();
        assertThat(sent(driver, "end")).as("nothing sent before the agent confirms").isZero();
        Browser.screenshot(driver, "08a-desktop2-confirm-end");
        new Actions(driver).doubleClick(confirmEnd.findElement(By.className("end-yes"))).perform();
        wait.until(ExpectedConditions.visibilityOf(card2.findElement(By.className("wrap-up"))));
        // No code chosen for the agent: Wrap-up done waits for one.
        Select code = new Select(card2.findElement(By.className("wrap-up-code")));
        assertThat(code.getFirstSelectedOption().getAttribute("value")).as("no code preselected").isEmpty();
        WebElement done = card2.findElement(By.className("wrap-up-done"));
        assertThat(done.isEnabled()).as("not before a code is chosen").isFalse();
        code.selectByValue("referred");
        assertThat(done.isEnabled()).isTrue();
        Browser.screenshot(driver, "08-desktop2-wrap-up");
        new Actions(driver).doubleClick(done).perform();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("conv-" + contact)));
        assertThat(sent(driver, "end")).as("one end for a double click").isEqualTo(1);
        assertThat(sent(driver, "wrap-up")).as("one wrap-up for a double click").isEqualTo(1);

        driver.switchTo().window(citizen);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Conversation ended"));
        assertThat(driver.findElement(By.id("start")).getText()).as("a way forward: a new chat").isEqualTo("New chat");
        assertThat(driver.findElement(By.id("text")).isEnabled()).as("nothing typed into an ended chat").isFalse();
        Browser.screenshot(driver, "09-chat-ended");

        driver.switchTo().window(board);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#agents tr[data-agent='tax-desk-001']"), "paused"));
        assertThat(driver.executeScript("return Array.from(document.querySelector('#agents tr[data-agent=\"tax-desk-001\"]').cells)"
                + ".slice(1, 3).map(c => c.textContent).join(' | ');")).as("the break began when the chat was done").isEqualTo("paused | break");
        assertThat(driver.executeScript("return document.querySelector(\"#agents tr[data-agent='tax-desk-001']\").loketMark;"))
                .as("the same row element, busy then paused").isEqualTo("kept");
        // Today's figures are the reports' (docs/kpis.md): the contact counts once, in the queue it
        // first joined, answered within the target; the queue it was transferred to answered none.
        // queue, channel, waiting, longest wait, answered, abandoned, service level
        assertThat(driver.executeScript("return document.querySelector(\"#queues tr[data-queue='digid-email'] td:nth-child(8)\").textContent"))
                .as("e-mail's threshold, in working days").isEqualTo("2 wd");
        By firstRow = By.cssSelector("#queues tr[data-queue='digid-chat']");
        try {
            wait.until(ExpectedConditions.textToBePresentInElementLocated(firstRow, "digid-chat chat 0 0:00 1 0 100 % 1:00"));
        } catch (org.openqa.selenium.TimeoutException e) {
            // A stale row: say what the hub itself holds, to tell figures the hub lacks from a push
            // the page never got (the cause once: a decision-less WRAP_UP_DONE that pushed nothing).
            throw new AssertionError("the wallboard's digid-chat row: " + driver.findElement(firstRow).getText()
                    + "; the hub's wallboard now: " + t.gateway.hub().ask(ChatHub::wallboard).get(5, TimeUnit.SECONDS), e);
        }
        By taxRow = By.cssSelector("#queues tr[data-queue='tax-handover-chat']");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(taxRow, "tax-handover-chat chat 0 0:00 0 0"));
        assertThat(driver.executeScript("return document.querySelector(\"#queues tr[data-queue='digid-chat']\").loketMark;"))
                .as("the same row element, before and after the chat was answered").isEqualTo("kept");
        // ... and the transfer shows as one into the tax hand-over queue, none into the first.
        wait.until(d -> d.findElement(By.cssSelector("#queues tr[data-queue='tax-handover-chat'] td:nth-child(9)")).getText()
                .equals("1"));
        wait.until(d -> d.findElement(By.cssSelector("#queues tr[data-queue='digid-chat'] td:nth-child(9)")).getText()
                .equals("0"));
        // A supervisor's screen: the whole queue table shows at 1280 pixels, no sideways scrolling.
        assertThat((Boolean) ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(
                "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"
                        + " && document.getElementById('queues').getBoundingClientRect().right <= document.documentElement.clientWidth"))
                .as("the wallboard's queue table fits the window").isTrue();
        Browser.screenshot(driver, "10-wallboard-after");
        driver.navigate().refresh();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(taxRow, "tax-handover-chat chat 0 0:00 0 0"));
        assertThat(driver.findElement(By.id("token-form")).isDisplayed()).as("a reload asks for no token").isFalse();

        t.engine.awaitQuiet(5_000);
        assertThat(t.engine.core().ended(Outcome.ANSWERED)).isEqualTo(1);
        assertThat(t.gateway.counters().rejectedByCore.sum()).as("no command of the desks' twice: none refused").isZero();
        assertThat(t.gateway.counters().malformedFrames.sum()).as("the mistyped colleague only").isEqualTo(1);
        // The code the agent chose reaches the reports through the journal, by the configuration's name.
        var report = org.loket.host.kpi.JournalKpis.read(t.dataFolder.resolve("journal"), java.time.ZoneOffset.UTC,
                org.loket.host.kpi.KpiCollector.DEFAULT_SHORT_ABANDON_MS);
        assertThat(report.queue("digid-chat").wrapUpCodes()).containsExactly(java.util.Map.entry("referred", 1L));
        // And the contact's record, as `loket trace extract --contacts-out` writes it for analysis.
        var day = org.loket.host.trace.TraceExtractor.extract(t.dataFolder.resolve("journal"), java.time.ZoneOffset.UTC, null);
        assertThat(day.records()).filteredOn(r -> r.channel().equals("chat")).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo("answered");
            assertThat(r.queue()).isEqualTo("digid-chat");
            assertThat(r.lastQueue()).isEqualTo("tax-handover-chat");
            assertThat(r.agent()).as("the first agent who took it").isEqualTo("chat-desk-001");
            assertThat(r.transfers()).isEqualTo(1);
            assertThat(r.wrapUpCode()).isEqualTo("referred");
            assertThat(r.citizen()).as("web chats are anonymous").isEmpty();
            assertThat(r.talkMs()).isPositive();
        });
        assertThat(Files.list(Path.of("target", "screenshots")).count()).isGreaterThanOrEqualTo(10);
    }

    /**
     * The agent who takes an introduced call sees who introduces it and may leave it back to them:
     * the card says so while the colleague is on, "Leave" takes it off this desktop, and the
     * colleague's desktop has the call as its own again. The colleague works on a WebSocket client.
     */
    @Test
    void anIntroducedCallSaysWhoIntroducesItAndCanBeLeftBackToThem() throws Exception {
        long call = 7_200_003L;
        Path twoGeneralists = TestEngine.testConfigWith("{name: generalist, count: 1,", "{name: generalist, count: 2,");
        try (TestEngine t = new TestEngine(twoGeneralists, Map.of("chat.agent-secret.generalist-002", TestEngine.SECRET));
             WsClient first = t.login("generalist-001")) {
            t.callTheApplicationDesk(call);
            first.await("offer");
            t.phone(CommandType.OFFER_ACCEPTED, call, t.agentId("generalist-001"), -1, -1);
            first.await("conversation");
            ChromeDriver driver = Browser.start(Path.of("target", "chromium-profile-" + System.nanoTime()));
            try {
                WebDriverWait wait = Browser.await(driver);
                driver.get(t.http() + "/desktop");
                login(driver, wait, "generalist-002");
                first.send("{\"type\":\"transfer\",\"contact\":\"" + call + "\",\"queue\":\"login-voice\",\"introduce\":true}");
                WebElement ringing = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("offer-" + call)));
                assertThat(ringing.getText()).contains("your colleague stays on to introduce the caller");
                t.phone(CommandType.OFFER_ACCEPTED, call, t.agentId("generalist-002"), -1, -1);
                WebElement card = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("conv-" + call)));
                WebElement handover = card.findElement(By.className("handover"));
                assertThat(handover.isDisplayed()).isTrue();
                assertThat(handover.getText()).contains("generalist-001 is introducing the caller").contains("Leave");
                Browser.screenshot(driver, "14-desktop-introduced-call");
                first.forget("conversation");
                handover.findElement(By.className("leave")).click();
                wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("conv-" + call)));
                assertThat(first.await("conversation").path("returnedBy").asText()).isEqualTo("generalist-002");
            } finally {
                driver.quit();
            }
            t.engine.awaitQuiet(5_000);
            assertThat(t.engine.core().contactAgent(call)).as("the call is the introducer's again").isEqualTo(t.agentId("generalist-001"));
        }
    }

    /**
     * An agent who takes calls on a phone sees the answered call on the desktop (who, the path the
     * caller took) and records its wrap-up code there. The phone's commands are published as the
     * telephony adapter does; PhoneChannelIT makes the same calls through Asterisk.
     */
    @Test
    void aCallShowsOnTheDesktopAndTakesItsWrapUpCode() throws Exception {
        long call = 7_200_001L;
        try (TestEngine t = new TestEngine(Map.of())) {
            ChromeDriver driver = Browser.start(Path.of("target", "chromium-profile-" + System.nanoTime()));
            try {
                WebDriverWait wait = Browser.await(driver);
                driver.get(t.http() + "/desktop");
                login(driver, wait, "generalist-001");
                int agent = t.agentId("generalist-001");
                t.callTheApplicationDesk(call);
                WebElement ringing = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("offer-" + call)));
                assertThat(ringing.getText()).contains("Your phone is ringing");
                assertThat(ringing.findElements(By.className("accept"))).as("a call is answered on the phone").isEmpty();
                assertThat(ringing.findElements(By.className("earlier"))).as("the caller's first contact").isEmpty();
                t.phone(CommandType.OFFER_ACCEPTED, call, agent, -1, -1); // the agent's phone answered
                WebElement card = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("conv-" + call)));
                assertThat(driver.findElements(By.id("offer-" + call))).isEmpty();
                assertThat(card.getText()).contains("voice · application-voice").contains("On the phone");
                assertThat(card.findElement(By.className("talk")).isDisplayed()).as("a call is talked on the phone").isFalse();
                assertThat(card.findElement(By.className("transfer")).isDisplayed()).as("but transferred from here").isTrue();
                assertThat(new Select(card.findElement(By.className("transfer-queue"))).getOptions()).extracting(WebElement::getText)
                        .as("into voice queues only").containsExactly("login-voice", "app-voice", "application-voice", "tax-handover-voice");
                assertThat(card.findElement(By.className("transfer-warm-label")).isDisplayed()).as("warm too: the caller stays on the line").isTrue();
                WebElement introduce = card.findElement(By.className("transfer-introduce"));
                assertThat(card.findElement(By.className("transfer-introduce-label")).isDisplayed()).as("and a three-way introduction").isTrue();
                introduce.click();
                assertThat(card.findElement(By.className("transfer-warm")).isSelected()).as("an introduction is warm").isTrue();
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("reason"), "busy")); // the state line: ready · busy
                Browser.screenshot(driver, "11-desktop-call");
                t.phone(CommandType.CONTACT_ENDED, call, -1, -1, -1); // the caller hung up
                wait.until(ExpectedConditions.visibilityOf(card.findElement(By.className("wrap-up"))));
                assertThat(card.getText()).contains("Call ended");
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("reason"), "wrap-up"));
                new Select(card.findElement(By.className("wrap-up-code"))).selectByValue("resolved");
                Browser.screenshot(driver, "12-desktop-call-wrap-up");
                card.findElement(By.className("wrap-up-done")).click();
                wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("conv-" + call)));
                wait.until(ExpectedConditions.textToBe(By.id("reason"), ""));

                // A second caller gives up after 6 s (not a short abandon): today's service level of
                // application-voice is 1 of 2, under its target (serviceLevelPercent, 80 by default), and the wallboard marks it.
                long gaveUp = t.callTheApplicationDesk(7_200_002L);
                WebElement again = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("offer-" + gaveUp)));
                // The same phone again: before it rings through, the desktop shows the agent the caller's first call.
                WebElement earlier = again.findElement(By.className("earlier"));
                assertThat(earlier.getText()).contains("Earlier contacts of this citizen (last 7 days): 1");
                assertThat(earlier.findElements(By.className("earlier-contact"))).singleElement().extracting(WebElement::getText)
                        .asString().contains(" · voice · application-voice · answered · generalist-001 · wrap-up: resolved");
                Browser.screenshot(driver, "12b-desktop-call-with-earlier-contacts");
                Thread.sleep(6_000);
                t.phone(CommandType.CONTACT_ABANDONED, gaveUp, -1, -1, -1);
                driver.get(t.http() + "/wallboard#token=" + TestEngine.SUPERVISOR_TOKEN);
                // Each cell is read in one script, text and class together.
                wait.until(d -> "50 % | alarm".equals(levelCell(driver, "application-voice")));
                assertThat(levelCell(driver, "digid-chat")).as("no figure, no alarm").doesNotContain("alarm");
                // The day of the whole centre: the second caller was the first one again (one phone), so one came back.
                WebElement day = driver.findElement(By.id("day-totals"));
                assertThat(day.getText()).isEqualTo("Today: offered 2 · answered 1 · abandoned 1 · service level 50 % (target 80 %)"
                        + " · came back 1 (after an abandon 0)");
                assertThat(day.getAttribute("class")).contains("alarm");
                Browser.screenshot(driver, "13-wallboard-service-level-under-target");
            } finally {
                driver.quit();
            }
            t.engine.awaitQuiet(5_000);
            assertThat(t.engine.core().contactState(call)).isEqualTo(org.loket.core.ContactState.NONE);
            var report = org.loket.host.kpi.JournalKpis.read(t.dataFolder.resolve("journal"), java.time.ZoneOffset.UTC,
                    org.loket.host.kpi.KpiCollector.DEFAULT_SHORT_ABANDON_MS);
            assertThat(report.queue("application-voice").wrapUpCodes()).containsExactly(java.util.Map.entry("resolved", 1L));
        }
    }

    /**
     * Real-time adherence in the browser, on {@link TestEngine#scheduleConfig} at Monday 10:05 (the
     * schedule's clock) with no grace: chat-desk-001 is ready through its planned break and tax-desk-001
     * is not logged in during its shift, both red; chat-desk-002 is away on the break as planned.
     */
    @Test
    void theWallboardShowsWhoKeepsToTodaysSchedule() throws Exception {
        long mondayMs = java.time.LocalDate.of(2027, 3, 1).atStartOfDay(java.time.ZoneId.of("Europe/Amsterdam")).toInstant().toEpochMilli();
        Path config = TestEngine.scheduleConfig();
        try (TestEngine t = new TestEngine(config, Map.of("chat.wallboard-update-ms", "200", "chat.adherence-grace-seconds", "0"));
             WsClient desk = t.login("chat-desk-001")) {
            t.gateway.hub().ask(h -> h.wallboard().scheduleClockMs = () -> mondayMs + (10 * 60 + 5) * 60_000L).get(5, java.util.concurrent.TimeUnit.SECONDS);
            ChromeDriver driver = Browser.start(Path.of("target", "chromium-profile-" + System.nanoTime()));
            try {
                WebDriverWait wait = Browser.await(driver);
                // This browser's clock runs an hour ahead of the server's: times in state are the server's all the same.
                driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                        "(function () { const real = Date.now; Date.now = function () { return real() + 3600000; }; })();"));
                // ... and it is in New York: the header's clock is the helpdesk's all the same.
                driver.executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", "America/New_York"));
                driver.get(t.http() + "/wallboard#token=" + TestEngine.SUPERVISOR_TOKEN);
                // Read in one script, not cell by cell: the page counts times in state on every second.
                java.util.List<String> expected = java.util.List.of(
                        "chat-desk-001 | ready | break until 10:15 | alarm",
                        "chat-desk-002 | logged-out | break until 10:15 | ",
                        "tax-desk-001 | logged-out | work until 12:00 | alarm",
                        "Schedule now: 3 on shift (2 on a planned break) · out of adherence 2 agents for 0:00 or more | alarm");
                wait.until(d -> expected.equals(scheduleRows(driver)));
                Browser.screenshot(driver, "14-wallboard-schedule-adherence");
                assertThat(scheduleRows(driver)).as("generalist-001 is off and away: not listed").isEqualTo(expected);
                String inState = (String) driver.executeScript("return document.querySelector("
                        + "'#agents tbody tr[data-agent=\"chat-desk-001\"]').children[3].textContent;");
                assertThat(inState).as("m:ss").matches("[0-9]+:[0-5][0-9]");
                assertThat(Integer.parseInt(inState.substring(0, inState.indexOf(':')))).as("ready since the test began, not an hour")
                        .isBetween(0, 2);
                // Every duration in one form: a threshold of an hour as well.
                assertThat(driver.executeScript("return ['digid-chat', 'webcare'].map(function (q) {"
                        + " return document.querySelector(\"#queues tr[data-queue='\" + q + \"']\").children[7].textContent; });"))
                        .isEqualTo(java.util.List.of("1:00", "1 h 00 min"));
                String header = driver.findElement(By.id("at")).getText();
                java.util.regex.Matcher clock = java.util.regex.Pattern
                        .compile("· [A-Z][a-z]{2}, ([0-9]{1,2}) [A-Za-z]+ [0-9]{4} · ([0-9]{2}:[0-9]{2}) \\(Europe/Amsterdam\\)").matcher(header);
                assertThat(clock.matches()).as(header).isTrue();
                java.time.ZonedDateTime amsterdam = java.time.ZonedDateTime.now(java.time.ZoneId.of("Europe/Amsterdam"));
                java.time.format.DateTimeFormatter hhmm = java.time.format.DateTimeFormatter.ofPattern("HH:mm");
                assertThat(clock.group(2)).as("the server's time in Amsterdam, not New York's nor this browser's clock")
                        .isIn(amsterdam.minusMinutes(1).format(hhmm), amsterdam.format(hhmm));
                assertThat(Integer.parseInt(clock.group(1))).isIn(amsterdam.minusMinutes(1).getDayOfMonth(), amsterdam.getDayOfMonth());
                assertThat(driver.findElement(By.id("sign-out")).isDisplayed()).as("the tab keeps the token: it can forget it").isTrue();
                assertThatRowsStayInPlace(driver);
                int number = org.loket.config.ConfigLoader.load(config).routing().agents().stream().map(a -> a.name()).toList()
                        .indexOf("tax-desk-001") + 1;
                assertThat(driver.executeScript("const r = document.querySelector('#agents tbody tr[data-agent=\"tax-desk-001\"]');"
                        + " return r ? r.children[0].title : null;"))
                        .as("the agent number a supervisor's phone dials, on the agent's name")
                        .isEqualTo("agent number " + number + " (listen in: *58" + number + ")");
            } finally {
                driver.quit();
            }
        }
    }

    /**
     * A supervisor signs in on the wallboard and sets the service announcement (an outage): above the
     * figures, and first in a new chat; then clears it.
     */
    @Test
    void aSupervisorSetsTheServiceAnnouncementOnTheWallboardAndANewChatShowsItFirst() throws Exception {
        try (TestEngine t = new TestEngine(Map.of("chat.wallboard-update-ms", "200"))) {
            ChromeDriver driver = Browser.start(Path.of("target", "chromium-profile-" + System.nanoTime()));
            try {
                WebDriverWait wait = Browser.await(driver);
                signInAsSupervisor(driver, t);
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("announce-form")));
                assertThat(driver.findElement(By.id("signed-in")).getText()).isEqualTo("· signed in as floor-lead");
                // A reload keeps the supervisor signed in: the tab keeps the session the sign-in gave, not the secret.
                driver.navigate().refresh();
                wait.until(ExpectedConditions.textToBe(By.id("signed-in"), "· signed in as floor-lead"));
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("announce-form")));
                assertThat(driver.findElement(By.id("sign-in-form")).isDisplayed()).isFalse();
                String kept = (String) driver.executeScript("return sessionStorage.getItem('loket.wallboard.subscribe');");
                assertThat(kept).startsWith("{\"type\":\"subscribe\",\"session\":\"").doesNotContain(TestEngine.SECRET)
                        .doesNotContain("floor-lead");
                assertThat(driver.executeScript("return localStorage.length;")).as("nothing outlives the tab").isEqualTo(0L);
                assertThat(driver.getCurrentUrl()).isEqualTo(t.http() + "/wallboard");
                new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("announce-prompt"))).selectByValue("info-activation-letter");
                Browser.screenshot(driver, "15-wallboard-supervisor-announces");
                driver.findElement(By.id("announce")).click();
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("announcement")));
                int prompt = t.engine.query(core -> core.config().prompts().indexOf("info-activation-letter")).get();
                assertThat(t.engine.query(core -> core.announcementPrompt()).get()).as("set in the core").isEqualTo(prompt);
                assertThat(driver.findElement(By.id("announcement")).getText())
                        .startsWith("Service announcement to every caller and chat since").contains("(info-activation-letter): Uw activeringscode");
                Browser.screenshot(driver, "16-wallboard-service-announcement");

                driver.get(t.http() + "/chat");
                driver.findElement(By.id("start")).click();
                wait.until(d -> driver.findElements(By.cssSelector("#log .line.bot")).size() == 1);
                // In the browser's language (the page starts the chat in it): the same prompt as on the wallboard.
                assertThat(driver.executeScript("return Array.from(document.querySelectorAll('#log .line'))"
                        + ".map(function (l) { return l.className + ': ' + l.lastChild.textContent.substring(0, 12); });"))
                        .as("the announcement, then the bot").isIn(java.util.List.of("line notice: Uw activerin", "line bot: Welkom bij d"),
                                java.util.List.of("line notice: Your activat", "line bot: Welcome to t"));
                assertThat(driver.executeScript("return document.querySelector('#log .line.bot .sr-only').textContent"))
                        .as("who wrote it, for screen readers").isIn("Assistent: ", "Assistant: ");
                Browser.screenshot(driver, "17-chat-service-announcement");
                // An agent who logs in on the desktop sees it too: what every caller and chat got first.
                driver.get(t.http() + "/desktop");
                login(driver, wait, "chat-desk-002");
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("announcement")));
                assertThat(driver.findElement(By.id("announcement")).getText())
                        .isEqualTo("Service announcement to every caller and chat: Uw activeringscode komt binnen 3 werkdagen per brief. "
                                + "Is hij verlopen, vraag dan opnieuw aan op digid.nl.");
                driver.findElement(By.id("logout")).click();
                // The agent's own logout ends the desktop's session: the page asks for the login again, the tab keeps nothing.
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
                assertThat(driver.executeScript("return sessionStorage.getItem('loket.desktop.session');")).isNull();
                // Back on the wallboard in the same tab, still signed in: the chat just started heard it; the supervisor clears it.
                driver.get(t.http() + "/wallboard");
                wait.until(ExpectedConditions.textToBe(By.id("signed-in"), "· signed in as floor-lead"));
                wait.until(d -> d.findElement(By.id("announcement")).getText().contains("heard by 1"));
                driver.findElement(By.id("clear-announcement")).click();
                wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("announcement")));
                assertThat(t.engine.query(core -> core.announcementPrompt()).get()).as("cleared in the core").isEqualTo(-1);

                // An agent of the floor-lead's: paused for training from the wallboard, and the desktop follows.
                try (WsClient desk = t.login("chat-desk-001")) {
                    desk.send("{\"type\":\"ready\"}");
                    desk.await("state", f -> f.path("state").asText().equals("ready"), 10_000);
                    new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("agent-name"))).selectByValue("chat-desk-001");
                    new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("agent-reason"))).selectByValue("training");
                    driver.findElement(By.id("agent-pause")).click();
                    assertThat(desk.await("state", f -> f.path("state").asText().equals("paused"), 10_000).path("reason").asText())
                            .isEqualTo("training");
                    wait.until(d -> "paused training".equals(d.findElement(By.cssSelector("#agents tbody tr[data-agent=\"chat-desk-001\"]"))
                            .getText().replaceAll("\\s+\\d+.*", "").replace("chat-desk-001 ", "")));
                    Browser.screenshot(driver, "18-wallboard-supervisor-pauses-agent");
                }
                // "Ring my phone": the phone channel (here a stand-in for the telephony gateway's service) is asked to ring it.
                java.util.List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
                t.engine.offer(org.loket.host.gateway.CallMonitoring.class, (supervisor, agent, mode) -> {
                    asked.add(supervisor + " " + mode + " " + agent);
                    return null;
                });
                new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("listen-mode"))).selectByValue("whisper");
                driver.findElement(By.id("agent-listen")).click();
                wait.until(ExpectedConditions.textToBe(By.id("listen-status"), "Your phone rings: answer it to whisper to chat-desk-001."));
                assertThat(asked).containsExactly("floor-lead whisper chat-desk-001");

                // Sign out: the tab forgets the session, the server ends it, and the page asks again.
                driver.findElement(By.id("sign-out")).click();
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in-form")));
                assertThat(driver.executeScript("return [sessionStorage.getItem('loket.wallboard.subscribe'),"
                        + " document.querySelectorAll('#agents tbody tr').length];")).isEqualTo(java.util.Arrays.asList(null, 0L));
                assertThat(driver.findElement(By.id("sign-out")).isDisplayed()).isFalse();
                try (WsClient stale = new WsClient(t.ws() + "/ws/wallboard")) {
                    stale.send(kept);
                    assertThat(stale.await("error").path("code").asText()).as("the session ended with the sign-out").isEqualTo("session-ended");
                }
                // chat-lead supervises the chat desk only: "only my agents" leaves tax-desk-001 out of the table.
                try (WsClient chat = t.login("chat-desk-001"); WsClient tax = t.login("tax-desk-001")) {
                    driver.get(t.http() + "/wallboard");
                    driver.findElement(By.id("supervisor")).sendKeys("chat-lead");
                    driver.findElement(By.id("secret")).sendKeys(TestEngine.SECRET);
                    driver.findElement(By.id("sign-in")).click();
                    wait.until(d -> agentRows(driver).containsAll(java.util.List.of("chat-desk-001", "tax-desk-001")));
                    driver.findElement(By.id("only-mine")).click();
                    wait.until(d -> agentRows(driver).equals(java.util.List.of("chat-desk-001")));
                }
                // Left alone for an hour (the page's pings do not count): the session ends, and the page
                // starts again empty, saying why.
                long leftMs = System.currentTimeMillis();
                t.gateway.hub().ask(h -> h.supervisors().clockMs = () -> leftMs + 61 * 60_000L).get(5, TimeUnit.SECONDS);
                wait.until(ExpectedConditions.textToBe(By.id("error"), "Signed out after 60 minutes without an action; sign in again."));
                assertThat(driver.findElement(By.id("sign-in-form")).isDisplayed()).isTrue();
                assertThat(driver.executeScript("return [sessionStorage.getItem('loket.wallboard.subscribe'),"
                        + " document.querySelectorAll('#agents tbody tr').length];")).isEqualTo(java.util.Arrays.asList(null, 0L));
                Browser.screenshot(driver, "18b-wallboard-session-ended");
            } finally {
                driver.quit();
            }
        }
    }

    /**
     * The wallboard's rows stay the same elements while the page counts on (every second): over 2.5
     * seconds of a quiet floor, no row is added, removed or replaced, only the agents' times in state
     * change (their text), a mark set on the rows stays, and a selection in a row stays selected.
     */
    @SuppressWarnings("unchecked")
    private static void assertThatRowsStayInPlace(ChromeDriver driver) throws InterruptedException {
        driver.executeScript("window.loketChanges = [];"
                + "const observer = new MutationObserver(function (ms) { ms.forEach(function (m) {"
                + "  const n = m.target.nodeType === 1 ? m.target : m.target.parentNode;"
                + "  loketChanges.push(n.closest('table').id + ' ' + n.tagName.toLowerCase() + (n.tagName === 'TD' ? n.cellIndex : '') + ' ' + m.type); }); });"
                + "['#queues tbody', '#agents tbody'].forEach(function (b) {"
                + "  const body = document.querySelector(b);"
                + "  observer.observe(body, {childList: true, subtree: true, characterData: true, attributes: true});"
                + "  Array.from(body.rows).forEach(function (r) { r.loketMark = 'kept'; }); });"
                + "const range = document.createRange();"
                + "range.selectNodeContents(document.querySelector(\"#agents tr[data-agent='chat-desk-001']\").cells[0]);"
                + "getSelection().removeAllRanges(); getSelection().addRange(range);");
        Thread.sleep(2_500);
        java.util.List<Object> after = (java.util.List<Object>) driver.executeScript("return [loketChanges,"
                + " Array.from(document.querySelectorAll('#queues tbody tr, #agents tbody tr')).every(function (r) { return r.loketMark === 'kept'; }),"
                + " getSelection().toString()];");
        assertThat((java.util.List<String>) after.get(0)).as("what changed in the tables").isNotEmpty()
                .allMatch(change -> change.equals("agents td3 childList"));
        assertThat(after.get(1)).as("every row the same element").isEqualTo(true);
        assertThat(after.get(2)).as("the selection stays").isEqualTo("chat-desk-001");
    }

    /**
     * A logout the desktop did not ask for ends its session: the agent's phone logged it out
     * (another gateway's command, journaled first) just as the agent asked for a break (the hub is
     * held for a moment so that the break is published before it hears of the logout). The page
     * starts again with the login form, saying why, and keeps no session: a reload does not log the
     * agent in again. The secret does. Then, on a configuration with one wrap-up code, a call's
     * wrap-up has it chosen already.
     */
    @Test
    void aLogoutFromElsewhereSendsTheDesktopBackToTheLoginForm() throws Exception {
        Path oneCode = TestEngine.testConfigWith("\nsupervisors:", "\nwrapUpCodes: [resolved]\nsupervisors:");
        try (TestEngine t = new TestEngine(oneCode, Map.of())) {
            ChromeDriver driver = Browser.start(Path.of("target", "chromium-profile-" + System.nanoTime()));
            try {
                WebDriverWait wait = Browser.await(driver);
                driver.get(t.http() + "/desktop");
                login(driver, wait, "generalist-001");
                int agent = t.agentId("generalist-001");
                t.engine.awaitQuiet(5_000);
                java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
                t.gateway.hub().execute(() -> {
                    try {
                        held.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                long framesIn = t.gateway.counters().framesIn.sum();
                new Select(driver.findElement(By.id("pause-reason"))).selectByValue("break");
                driver.findElement(By.id("pause")).click();
                assertThat(driver.findElement(By.id("pause")).isEnabled()).as("once, until the answer").isFalse();
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (t.gateway.counters().framesIn.sum() == framesIn) {
                    assertThat(System.nanoTime()).as("the pause reached the server").isLessThan(deadline);
                    Thread.sleep(10);
                }
                Thread.sleep(200); // the frame handler hands the frame to the hub right after counting it
                t.phone(CommandType.AGENT_STATE_CHANGED, -1, agent, org.loket.core.AgentState.LOGGED_OUT.code(), -1);
                t.engine.awaitQuiet(5_000);
                held.countDown();
                String why = "You were logged out elsewhere (by your phone, a supervisor or the admin API); log in again to work.";
                wait.until(ExpectedConditions.textToBe(By.id("error"), why));
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
                assertThat(driver.findElement(By.id("desk")).isDisplayed()).as("the desk is gone from the page").isFalse();
                assertThat(driver.executeScript("return sessionStorage.getItem('loket.desktop.session');")).as("no session kept").isNull();
                Browser.screenshot(driver, "19-desktop-logged-out-elsewhere");
                driver.navigate().refresh();
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
                t.engine.awaitQuiet(5_000);
                assertThat(t.engine.core().agentPresence(agent)).as("a reload logs nobody in").isEqualTo(org.loket.core.AgentState.LOGGED_OUT);
                login(driver, wait, "generalist-001");
                wait.until(ExpectedConditions.textToBe(By.id("error"), ""));

                long call = t.callTheApplicationDesk(7_200_005L);
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("offer-" + call)));
                t.phone(CommandType.OFFER_ACCEPTED, call, agent, -1, -1);
                WebElement card = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("conv-" + call)));
                t.phone(CommandType.CONTACT_ENDED, call, -1, -1, -1);
                wait.until(ExpectedConditions.visibilityOf(card.findElement(By.className("wrap-up"))));
                assertThat(new Select(card.findElement(By.className("wrap-up-code"))).getOptions()).extracting(WebElement::getText)
                        .as("the one code, chosen").containsExactly("resolved");
                card.findElement(By.className("wrap-up-done")).click();
                wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("conv-" + call)));
            } finally {
                driver.quit();
            }
        }
    }

    /** From now on the page keeps the type of every frame it sends in {@code window.sentTypes}. */
    private static void recordSentFrames(ChromeDriver driver) {
        driver.executeScript("window.sentTypes = []; const send = WebSocket.prototype.send;"
                + " WebSocket.prototype.send = function (data) { window.sentTypes.push(JSON.parse(data).type); return send.call(this, data); };");
    }

    /** How many frames of {@code type} the page sent since {@link #recordSentFrames}. */
    private static long sent(ChromeDriver driver, String type) {
        return (Long) driver.executeScript("const type = arguments[0];"
                + " return window.sentTypes.filter(function (t) { return t === type; }).length;", type);
    }

    /** Opens the wallboard and signs in with the test configuration's supervisor's name and secret. */
    private static void signInAsSupervisor(ChromeDriver driver, TestEngine t) {
        driver.get(t.http() + "/wallboard");
        driver.findElement(By.id("supervisor")).sendKeys("floor-lead");
        driver.findElement(By.id("secret")).sendKeys(TestEngine.SECRET);
        driver.findElement(By.id("sign-in")).click();
    }

    /** The agents the wallboard's table lists, read at one instant. */
    @SuppressWarnings("unchecked")
    private static java.util.List<String> agentRows(ChromeDriver driver) {
        return (java.util.List<String>) driver.executeScript(
                "return Array.from(document.querySelectorAll('#agents tbody tr')).map(function (r) { return r.dataset.agent; });");
    }

    /** A queue's service-level cell on the wallboard as "text | class", read at one instant. */
    private static String levelCell(ChromeDriver driver, String queue) {
        return (String) driver.executeScript("const c = document.querySelector(\"#queues tr[data-queue='" + queue + "'] td:nth-child(7)\");"
                + " return c ? c.textContent + ' | ' + c.className : '';");
    }

    /** The agents table as "agent | state | schedule | class" rows, then the schedule line and its class, read at one instant. */
    @SuppressWarnings("unchecked")
    private static java.util.List<String> scheduleRows(ChromeDriver driver) {
        return (java.util.List<String>) driver.executeScript(
                "const rows = Array.from(document.querySelectorAll('#agents tbody tr')).map(function (r) {"
                        + " return r.dataset.agent + ' | ' + r.children[1].textContent + ' | ' + r.children[5].textContent"
                        + " + ' | ' + r.children[5].className; });"
                        + "const line = document.getElementById('schedule-totals');"
                        + "return rows.concat([line.textContent + ' | ' + line.className.replace('meta', '').trim()]);");
    }

    private static void login(WebDriver driver, WebDriverWait wait, String agent) {
        driver.findElement(By.id("agent")).sendKeys(agent);
        driver.findElement(By.id("secret")).sendKeys(TestEngine.SECRET);
        driver.findElement(By.id("login")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("state"), "ready"));
    }

    private static void clickOption(WebDriver driver, WebDriverWait wait, String label) {
        wait.until(d -> {
            for (WebElement b : d.findElements(By.cssSelector("#options button"))) {
                if (b.getText().contains(label)) {
                    b.click();
                    return true;
                }
            }
            return false;
        });
    }

    private static void typeAndSend(WebDriver driver, By input, By button, String text) {
        typeAndSend(driver, driver.findElement(input), driver.findElement(button), text);
    }

    private static void typeAndSend(WebDriver driver, WebElement input, WebElement button, String text) {
        input.sendKeys(text);
        button.click();
    }
}
