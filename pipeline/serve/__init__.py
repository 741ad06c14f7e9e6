"""The web review desk and its REST API (`pipeline serve`). No SQL here: library calls only."""
