"""Trợ lý Chi bộ: every package of the project lives under this one name once installed.

In the repository the packages are the top-level folders (bot/, handlers/, usecases/,
storage/, rules/, botapi_emulator/); `chibo/<name>` are links to them, so that a source
checkout, an editable install and the wheel all import `chibo.<name>` and nothing generic
reaches site-packages.
"""
