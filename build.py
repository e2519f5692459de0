"""Build the site: see sitebuild/. Usage: python build.py [--out site] [--base-url /]."""
