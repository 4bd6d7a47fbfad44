"""Photos people upload (a technician's visit photo): only real raster images are kept.

Pillow reads the file the way a browser will show it: bytes that are not an image, a
truncated JPEG, an SVG (a script carrier, and not a photo) or a decompression bomb are
refused with a message in the user's language."""

import warnings
from pathlib import Path

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

# What phones' cameras and galleries give; each shown inline by every browser.
PHOTO_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}
MAX_PHOTO_BYTES = 15 * 1024 * 1024
# A 12-megapixel phone photo is 12e6 pixels; beyond this is a bomb, not a photo.
MAX_PHOTO_PIXELS = 60_000_000


class BadPhoto(ValueError):
    """The upload is not a photo we keep; ``str()`` says why, for the user."""


def check_photo(upload) -> str:
    """The extension of ``upload``'s real format (".jpg" …); BadPhoto if it is not a whole
    photo. The upload is left rewound for saving."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_PHOTO_BYTES:
        raise BadPhoto(_("文件太大（最大 15 MB），请压缩后重新上传"))
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                kind = image.format
                if kind not in PHOTO_FORMATS:
                    raise BadPhoto(_("只能上传 JPEG、PNG 或 WebP 格式的图片"))
                if image.width * image.height > MAX_PHOTO_PIXELS:
                    raise BadPhoto(_("图片像素过多，请用手机相机直接拍摄上传"))
                image.verify()  # structure and checksums
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()  # every pixel: a truncated file fails here, not in verify()
    except BadPhoto:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise BadPhoto(_("不是图片文件或已损坏，请重新拍摄或选择")) from None
    except (OSError, SyntaxError, ValueError):
        raise BadPhoto(_("图片文件不完整或已损坏，请重新拍摄或选择")) from None
    finally:
        upload.seek(0)
    return PHOTO_FORMATS[kind]


def photo_name(original: str, extension: str) -> str:
    """The stored name: the upload's stem with its real format's extension (an "x.jpg" that
    is a PNG is served as the PNG it is)."""
    stem = Path(original or "photo").stem[:60] or "photo"
    return f"{stem}{extension}"
