"""A section body that uses every CommonMark construct, shared by the writer tests."""

EVERY_CONSTRUCT = """\
---
title: Every Construct
---
A paragraph with _emphasis_, **strong**, `inline code`, a [web link](https://example.org/page "Example")
and a hard break\\
after it.[^note]

## A Sub Heading

> A quoted paragraph.

- bullet one
- bullet two
  1. nested ordered
  2. nested second

3. third item
4. fourth item

```python
print("code block")
```

| Left | Right |
|:-----|------:|
| cell a | cell b |

***

<b>raw html</b>

Go to [the sub heading](#a-sub-heading).

[^note]: The footnote text.
"""
