"""The frozen build's entry: ``servicemap`` with no arguments opens the window; with a
command it runs it, printing to the console, exactly as ``uv run servicemap``."""

import sys


def hide_own_console() -> None:
    """On Windows, a console program started by double-click (or from a shortcut or a file
    association) gets a console window of its own. The window build (``servicemapw.exe``) has
    none; the console build frees a console that only it uses, so the map window does not sit
    beside an empty black box, while from cmd or PowerShell the console stays for output."""
    if sys.platform != "win32":
        return
    import ctypes

    kernel32 = ctypes.windll.kernel32
    processes = (ctypes.c_uint * 2)()
    if kernel32.GetConsoleProcessList(processes, 2) == 1:
        kernel32.FreeConsole()


if __name__ == "__main__":
    import multiprocessing

    multiprocessing.freeze_support()  # the simulation's spawned workers start here too
    from servicemap.cli import COMMANDS, main

    args = sys.argv[1:]
    if not args or (args[0] not in COMMANDS and not args[0].startswith("-")):
        hide_own_console()
    sys.exit(main())
