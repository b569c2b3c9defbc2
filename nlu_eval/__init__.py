"""Scoring a trained model on labelled message sets: shared by the held-out gate, `make bench` and `make report`."""
