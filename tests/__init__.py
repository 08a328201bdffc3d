"""The test suite, a package so that it is never confused with another distribution's top-level
``tests`` package (ciw installs one into site-packages)."""
