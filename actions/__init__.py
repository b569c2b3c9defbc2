"""The action server (rasa-sdk): custom actions, one module per feature.

Started with `python -m actions.server --actions actions` (rasa-sdk's server with metrics). It needs only this
package, clinic/ (the content and settings both servers share) and content/;
it never imports the Rasa side (rasa_addons/), so it deploys on its own
(tests/unit/actions/test_standalone.py starts it from such a tree).
"""
