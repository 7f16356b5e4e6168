package io.lr0.testing;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;

/** The real browser of the dashboard's tests. */
public final class Browser {
    private Browser() {}

    /** Debian's chromium through chromium-driver, headless; no network, no driver download. */
    public static ChromeDriver chrome() {
        RequiredTools.require("chromium", "chromium-driver");
        System.setProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-dev-shm-usage",
                "--disable-component-update",
                "--no-first-run",
                "--window-size=1400,2400");
        return new ChromeDriver(options);
    }
}
