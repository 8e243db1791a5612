"""The one ${NAME} rule shared by probes and notifications."""

from __future__ import annotations

import pytest
from mkstatus import envvars
from mkstatus.errors import ConfigError


def test_names_expand_and_malformed_references() -> None:
    texts = ["https://${HOST}/v1/${TOKEN}/x", None, "Bearer ${TOKEN}", "$HOME ${ not}"]
    assert envvars.names(texts) == {"HOST", "TOKEN"}
    assert envvars.expand("a${B}c${B}", {"B": "-"}, "x") == "a-c-"
    with pytest.raises(ConfigError, match=r"^notify\[0\]\.url: environment variable "
                                          r"MISSING is not set$"):
        envvars.expand("${MISSING}", {"MISSING_NOT": "v"}, "notify[0].url")
    assert [envvars.is_malformed(t) for t in ("${OK_1}", "${1BAD}", "${A", "$A", "")] == [
        False, True, True, False, False]
