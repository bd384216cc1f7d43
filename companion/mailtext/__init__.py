"""Reading the text of an email: HTML to text, quoted history and signatures cut away.

Pure functions over strings; nothing here knows about groups, ledgers or mail servers.
"""
