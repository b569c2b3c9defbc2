"""The chat on the demo clinic page, as a patient uses it, in a real browser."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import SCREENSHOTS
from tests.conftest import ROOT, answer, stored_events

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def open_chat(page: Page) -> None:
    page.get_by_role("button", name=re.compile("^Chat")).click()
    expect(page.locator(".ionto-bot").first).to_contain_text("automated assistant")


def ask(page: Page, text: str) -> None:
    page.get_by_label("Your message").fill(text)
    page.get_by_label("Your message").press("Enter")


def last_bot(page: Page):
    return page.locator(".ionto-bot").last


def test_greeting_offers_questions_and_a_question_gets_its_leaflet_answer(page):
    open_chat(page)
    expect(page.get_by_role("button", name="Does it hurt?")).to_be_visible()
    expect(page.get_by_text(re.compile("Not for emergencies"))).to_be_visible()
    ask(page, "does it hurt?")
    expect(last_bot(page)).to_contain_text(answer("utter_faq/does_it_hurt"))


def test_flare_up_questions_with_buttons_end_in_advice(page):
    open_chat(page)
    ask(page, "my elbow has been aching since my session")
    page.get_by_role("button", name="No", exact=True).click()
    expect(last_bot(page)).to_contain_text(answer("utter_ask_flare_hours"))
    ask(page, "yesterday")
    page.get_by_role("button", name="Moderate").click()
    expect(last_bot(page)).to_contain_text(answer("utter_flare_reassure"))


def test_off_topic_gets_the_honest_answer(page):
    open_chat(page)
    ask(page, "can you recommend a good pizza place")
    expect(last_bot(page)).to_contain_text(answer("utter_out_of_scope"))


def test_html_in_a_message_is_shown_as_text_never_run(page):
    open_chat(page)
    attack = "<img src=x onerror=alert(1)>"
    ask(page, attack)
    expect(page.locator(".ionto-user").last).to_have_text(re.compile(re.escape(attack)))
    expect(last_bot(page)).to_be_visible()
    assert page.locator(".ionto-log img").count() == 0
    assert page.dialogs == []


def test_the_conversation_survives_a_reload_and_start_over_clears_it(page):
    open_chat(page)
    ask(page, "how many treatments will i need")
    expect(last_bot(page)).to_contain_text(answer("utter_faq/course_length"))
    conversation_id = page.evaluate("JSON.parse(sessionStorage.getItem('ionto-chat')).id")
    assert re.fullmatch(r"[0-9a-f]{32}", conversation_id)
    page.reload()
    expect(page.locator(".ionto-user").last).to_have_text(re.compile("how many treatments"))
    expect(last_bot(page)).to_contain_text(answer("utter_faq/course_length"))
    page.get_by_role("button", name="Start over").click()
    expect(page.locator(".ionto-user")).to_have_count(0)
    assert page.evaluate("JSON.parse(sessionStorage.getItem('ionto-chat')).id") != conversation_id


def test_delete_this_conversation_by_keyboard_deletes_it_and_starts_a_new_one(page):
    open_chat(page)
    ask(page, "how many treatments will i need")
    expect(last_bot(page)).to_contain_text(answer("utter_faq/course_length"))
    old_id = page.evaluate("JSON.parse(sessionStorage.getItem('ionto-chat')).id")
    assert len(stored_events(old_id)) > 0
    page.get_by_label("Your message").focus()
    page.keyboard.press("Tab")  # Send
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Delete this conversation")).to_be_focused()
    page.keyboard.press("Enter")
    expect(last_bot(page)).to_contain_text(answer("utter_ask_forget_me"))
    page.get_by_role("button", name="Yes, delete it").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".ionto-bot").first).to_contain_text(answer("utter_forget_me_done"))
    expect(last_bot(page)).to_contain_text("automated assistant")  # the new conversation's greeting
    expect(page.locator(".ionto-user")).to_have_count(0)
    new_id = page.evaluate("JSON.parse(sessionStorage.getItem('ionto-chat')).id")
    assert re.fullmatch(r"[0-9a-f]{32}", new_id) and new_id != old_id
    assert "how many treatments" not in page.evaluate("sessionStorage.getItem('ionto-chat')")
    assert stored_events(old_id) == []


def test_saying_no_to_deleting_keeps_the_conversation(page):
    open_chat(page)
    ask(page, "delete my conversation")
    page.get_by_role("button", name="No, keep it").click()
    expect(last_bot(page)).to_contain_text(answer("utter_forget_me_kept"))
    conversation_id = page.evaluate("JSON.parse(sessionStorage.getItem('ionto-chat')).id")
    assert len(stored_events(conversation_id)) > 0
    expect(page.locator(".ionto-user").first).to_have_text(re.compile("delete my conversation"))


def test_usable_by_keyboard_alone(page):
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name=re.compile("^Chat"))).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Your message")).to_be_focused()
    page.keyboard.type("is it safe?")
    page.keyboard.press("Enter")
    expect(last_bot(page)).to_contain_text(answer("utter_faq/safety"))


def _serious_accessibility_violations(page: Page) -> list[str]:
    # Evaluated by the test tool, not added as a <script>: the page's Content-Security-Policy allows no
    # inline script, and the scan runs under it like everything else here.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document)")
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _answer_scan_and_screenshot(page: Page, name: str) -> None:
    open_chat(page)
    ask(page, "does it hurt")
    expect(last_bot(page)).to_contain_text(answer("utter_faq/does_it_hurt"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    assert _serious_accessibility_violations(page) == []


def test_accessible_and_screenshotted_on_a_desktop(page):
    _answer_scan_and_screenshot(page, "desktop")


def test_accessible_and_screenshotted_on_a_phone(phone_page):
    _answer_scan_and_screenshot(phone_page, "phone")
    assert phone_page.locator(".ionto-panel").bounding_box()["width"] <= 360


def test_links_in_answers_are_safe(page):
    open_chat(page)
    ask(page, "what is your phone number")
    link = last_bot(page).get_by_role("link")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(link).to_have_attribute("href", re.compile(r"^https://"))


def test_while_the_server_is_unreachable_the_chat_says_reconnecting_then_resumes(page):
    open_chat(page)
    failures = {"left": 2}

    def flaky(route):
        if failures["left"]:
            failures["left"] -= 1
            route.abort()
        else:
            route.continue_()

    page.route("**/webhooks/rest/webhook", flaky)
    ask(page, "what medicine is used")
    expect(page.get_by_role("status")).to_have_text("Reconnecting…")
    expect(last_bot(page)).to_contain_text(answer("utter_faq/medication"))
    expect(page.locator(".ionto-status")).to_be_empty()
