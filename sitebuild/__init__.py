"""The site build: gather chapters and widgets, render pages, vendor the runtime."""
