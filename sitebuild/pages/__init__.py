"""The Markdown site: chapters and their front matter, ``:::`` blocks, the widget registry,
rendering (Markdown, maths, numbers), links, the palette, search, the kernel-result cache,
static assets and the browser libraries a widget asks for."""
