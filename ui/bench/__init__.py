"""``passerelle bench``: Passerelle's speed and memory against the usual ways, on same-shape
models with random weights, and the model builders the tests use too."""
