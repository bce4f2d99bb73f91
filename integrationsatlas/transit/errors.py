"""The transit app's error, apart from gtfs.py: pandas and partridge load only to read a feed."""


class FeedError(ValueError):
    """A feed that cannot be used, with a German message naming the file and row."""
