"""SENDbot: helps parents of children with SEND in England understand the law and their deadlines."""

__version__ = "0.1.0"
