"""Case Review Assistant: the conversation engine, its front ends, reports and command line."""

__version__ = "0.1.0"
