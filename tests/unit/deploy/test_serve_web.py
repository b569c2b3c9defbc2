"""deploy/serve_web.py: the demo page's chat talks to the configured Rasa port; clinic.json carries the limits."""

from __future__ import annotations

from deploy.serve_web import demo_page


def test_the_demo_page_points_the_widget_at_the_configured_rasa_server() -> None:
    page = demo_page(5105).decode()
    assert 'data-server="http://localhost:5105"' in page
    assert "localhost:5005" not in page
