"""Browser tests: Playwright drives the Debian Chromium (no browser download), axe checks
every page reached."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CAFLAB_CHROMIUM", "/usr/bin/chromium")
AXE_BLOCKING_IMPACTS = {"serious", "critical"}

# Playwright's sync API runs an event loop in the test thread; the test's own database work
# happens outside it, before and after each browser step.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


@pytest.fixture(scope="session")
def browser():
    if not _chromium_available():
        if os.environ.get("CAFLAB_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium est introuvable ({CHROMIUM}) : la CI l'exige.")
        pytest.skip("Chromium absent : apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


# Every Content-Security-Policy violation is written to the console, whether Chromium reports
# it itself or the page's securitypolicyviolation event does (the init script below).
CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("Content Security Policy violation: " + event.effectiveDirective + " blocked "
    + (event.blockedURI || "inline") + " at " + event.sourceFile + ":" + event.lineNumber
    + " (" + event.documentURI + ")");
});
"""


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    context.add_init_script(CSP_REPORTER)
    page = context.new_page()
    page.set_default_timeout(10_000)
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "content security policy" in message.text.lower()
            else None
        ),
    )
    yield page
    context.close()
    if violations:
        pytest.fail(
            "Violations de la Content-Security-Policy :\n" + "\n".join(dict.fromkeys(violations))
        )


class AccessibilityError(AssertionError):
    pass


def assert_accessible(page) -> None:
    """axe-core on the current page: no serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    blocking = [
        violation
        for violation in results.response["violations"]
        if violation.get("impact") in AXE_BLOCKING_IMPACTS
    ]
    if blocking:
        lines = [
            f"- {v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(node["target"][0] for node in v["nodes"][:3])
            for v in blocking
        ]
        raise AccessibilityError(f"axe sur {page.url} :\n" + "\n".join(lines))


def login(page, email: str, password: str) -> None:
    page.goto("/comptes/login/")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
