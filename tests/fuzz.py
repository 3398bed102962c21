"""Shared Hypothesis strategies for fuzzing the page forms with numbers people (and robots) type."""

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# The values that once gave a 500 (math domain error in Django's step validator), and friends.
NASTY_NUMBERS = [
    "1e309",
    "-1e309",
    "99999999999999999999",
    "-99999999999999999999",
    "9" * 400,
    "9" * 5000,  # past Python's limit for int() of a string
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "1E5",
    "0x10",
    "1.500",
    "1,5",
    "125 000,50",
    "125\xa0000,50",
    "125,000.50",
    "-0",
    "",
    " ",
    "٣",
    "\x00",
]

number_text = st.one_of(
    st.sampled_from(NASTY_NUMBERS),
    st.text(alphabet="0123456789.,-+ e\xa0\u202fnaif", max_size=25),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=10),
)

# A few seconds per test: each example is a full request through the page.
page_fuzz = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
