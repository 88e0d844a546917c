"""minewatch: a monitor for the Mine Ban Treaty and the Convention on Cluster Munitions."""

__version__ = "0.1.0"
