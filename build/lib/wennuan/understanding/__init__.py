"""Reading complaints (design §5): Chinese text → category, temperature, community, home, phone.

Pure functions, no Django. Build the register index once, then read texts::

    index = register_index(Community.objects.values_list("name", "aliases", "district", "address"))
    reading = read_complaint("翰林苑3号楼2单元501暖气不热，屋里十六度", index)
"""

from wennuan.understanding.category import CATEGORIES, CategoryGuess, classify
from wennuan.understanding.community import (
    CommunityIndex,
    CommunityMatch,
    RegisterEntry,
    build_index,
    match_community,
)
from wennuan.understanding.home import Home, find_home
from wennuan.understanding.phone import parse_phone
from wennuan.understanding.reader import (
    OUTPUT_FIELDS,
    ComplaintReading,
    process_lines,
    read_complaint,
    register_index,
)
from wennuan.understanding.temperature import parse_temperature_c

__all__ = [
    "CATEGORIES",
    "OUTPUT_FIELDS",
    "CategoryGuess",
    "CommunityIndex",
    "CommunityMatch",
    "ComplaintReading",
    "Home",
    "RegisterEntry",
    "build_index",
    "classify",
    "find_home",
    "match_community",
    "parse_phone",
    "parse_temperature_c",
    "process_lines",
    "read_complaint",
    "register_index",
]
