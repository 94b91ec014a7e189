"""language:response_language: the whole response in one language, judged by seeded langdetect."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import field_validator

from graph.constraints.base import CheckResult, Constraint, Params
from graph.constraints.registry import register
from graph.constraints.text import detect_language

# Codes langdetect can answer with (its shipped profiles).
LANGDETECT_CODES = frozenset(
    [
        "af",
        "ar",
        "bg",
        "bn",
        "ca",
        "cs",
        "cy",
        "da",
        "de",
        "el",
        "en",
        "es",
        "et",
        "fa",
        "fi",
        "fr",
        "gu",
        "he",
        "hi",
        "hr",
        "hu",
        "id",
        "it",
        "ja",
        "kn",
        "ko",
        "lt",
        "lv",
        "mk",
        "ml",
        "mr",
        "ne",
        "nl",
        "no",
        "pa",
        "pl",
        "pt",
        "ro",
        "ru",
        "sk",
        "sl",
        "so",
        "sq",
        "sv",
        "sw",
        "ta",
        "te",
        "th",
        "tl",
        "tr",
        "uk",
        "ur",
        "vi",
        "zh-cn",
        "zh-tw",
    ]
)
LANGUAGE_NAMES = {
    "af": "Afrikaans", "ar": "Arabic", "bg": "Bulgarian", "bn": "Bengali", "ca": "Catalan",
    "cs": "Czech", "cy": "Welsh", "da": "Danish", "de": "German", "el": "Greek", "en": "English",
    "es": "Spanish", "et": "Estonian", "fa": "Persian", "fi": "Finnish", "fr": "French",
    "gu": "Gujarati", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian",
    "id": "Indonesian", "it": "Italian", "ja": "Japanese", "kn": "Kannada", "ko": "Korean",
    "lt": "Lithuanian", "lv": "Latvian", "mk": "Macedonian", "ml": "Malayalam", "mr": "Marathi",
    "ne": "Nepali", "nl": "Dutch", "no": "Norwegian", "pa": "Punjabi", "pl": "Polish",
    "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sk": "Slovak", "sl": "Slovenian",
    "so": "Somali", "sq": "Albanian", "sv": "Swedish", "sw": "Swahili", "ta": "Tamil",
    "te": "Telugu", "th": "Thai", "tl": "Tagalog", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu",
    "vi": "Vietnamese", "zh-cn": "Chinese (simplified)", "zh-tw": "Chinese (traditional)",
}  # fmt: skip


class LanguageParams(Params):
    language: str

    @field_validator("language")
    @classmethod
    def _known_code(cls, value: str) -> str:
        if value not in LANGDETECT_CODES:
            raise ValueError(f"must be an ISO 639-1 code langdetect knows (e.g. 'de'), got {value!r}")
        return value


@register
class ResponseLanguage(Constraint[LanguageParams]):
    id = "language:response_language"
    params_model = LanguageParams
    example: ClassVar[dict[str, Any]] = {"language": "de"}

    def describe(self) -> str:
        code = self.params.language
        return f"Write the entire response in {LANGUAGE_NAMES[code]} ({code}); no other language."

    def _check(self, response: str) -> CheckResult:
        detected = detect_language(response)
        if detected is None or detected == self.params.language:
            # Official rule: an undetectable text passes.
            return self.result(True, "", detected)
        want = LANGUAGE_NAMES[self.params.language]
        got = LANGUAGE_NAMES.get(detected, detected)
        return self.result(False, f"the response reads as {got} ({detected}); it must be in {want}", detected)
