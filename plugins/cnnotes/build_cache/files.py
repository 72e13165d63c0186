"""The cache's files: pickles read leniently and written atomically.

A cache file that cannot be read (missing, truncated, from other code) is simply
not there: the build makes its value again. Writes go to a temporary name of the
writing process and are renamed into place, so pool workers and concurrent builds
never see, or collide on, a half-written file.
"""
import os
import pickle

UNREADABLE = (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError,
              IndexError, TypeError, ValueError)


def read_pickle(path, default=None):
    """The value pickled in path, or default when it cannot be read."""
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except UNREADABLE:
        return default


def write_pickle(path, value) -> None:
    """Pickle value into path atomically (its folder made if missing)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
