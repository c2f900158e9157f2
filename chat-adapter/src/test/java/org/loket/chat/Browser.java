package org.loket.chat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.loket.host.testkit.Chromium;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium driven by Debian's chromedriver through Selenium, both named by path so
 * Selenium Manager never runs and nothing is downloaded. Installing and flags: the host's
 * {@link Chromium} test helper (apt-get when missing; a test fails, never skips, without them).
 */
final class Browser {
    private Browser() {
    }

    static ChromeDriver start(Path profile) throws IOException, InterruptedException {
        Chromium.ensureInstalled();
        Files.createDirectories(profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(Chromium.CHROMEDRIVER))
                .usingAnyFreePort()
                .withLogFile(new File("target/chromedriver.log"))
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(Chromium.CHROMIUM);
        options.addArguments(Chromium.FLAGS);
        options.addArguments("--window-size=1280,1000", "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return driver;
    }

    /** What a test does with a browser. */
    interface Story {
        void run(ChromeDriver driver) throws Exception;
    }

    /** Runs {@code story} in a fresh Chromium, quits it, and checks that Selenium Manager never ran (nothing was fetched). */
    static void run(Story story) throws Exception {
        ChromeDriver driver = start(Path.of("target", "chromium-profile-" + System.nanoTime()));
        try {
            story.run(driver);
        } finally {
            driver.quit();
        }
        org.assertj.core.api.Assertions.assertThat(Path.of(System.getProperty("user.home"), ".cache", "selenium"))
                .as("Selenium Manager never ran").doesNotExist();
    }

    /**
     * A 20-second wait that looks again when an element went stale: a page may replace an element
     * between two calls (a desktop's card, a wallboard row of an agent who left the floor).
     */
    static WebDriverWait await(ChromeDriver driver) {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    static void screenshot(ChromeDriver driver, String name) throws IOException {
        Path folder = Path.of("target", "screenshots");
        Files.createDirectories(folder);
        Files.write(folder.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }
}
