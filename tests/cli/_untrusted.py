"""A type that no model file of sklearn-nn may hold: a file holding it must not be loaded."""

#: One entry per Tripwire rebuilt from a file.
REBUILT = []


class Tripwire:
    """An object that records being rebuilt (unpickled or loaded by skops)."""

    def __init__(self):
        self.armed = True

    def __setstate__(self, state):
        REBUILT.append(state)
        self.__dict__.update(state)
