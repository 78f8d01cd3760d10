"""The print sheet's measures, which the marks (prepress.py) and the slug line (slugline.py) share: the
bleed around the trimmed page and the slug around the bleed, where marks and the slug line go."""

MM = 72 / 25.4  # PDF points in a millimetre
BLEED_MM = 3
SLUG_MM = 7  # at least 5 mm: the marks need room outside the bleed
MEDIA_MARGIN_MM = BLEED_MM + SLUG_MM  # the CSS bleed the brochure is laid out with in print mode
REGISTRATION = "1 1 1 1 K"  # every separation, so the marks print on each plate
