"""Everything the Rasa server and `rasa train` load from this project, one folder per Rasa extension point.

    nlu/          graph components named in config.yml (spaCy loader, answer gate)
    channel/      the input channel named in credentials.yml (the REST webhook and its limits)
    stores/       the tracker and lock stores named in endpoints.yml
    nlg.py        the response generator named in endpoints.yml
    patches/      the only place Rasa's own code is changed, installed by the entry point
    __main__.py   the entry point: `python -m rasa_addons run|train|test ...`

Nothing here imports the action server's package (actions/); what both
servers share is in clinic/.
"""
