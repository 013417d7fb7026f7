"""Small stop-word lists, so a word cloud shows "trust" rather than "the" and "my".

The lists are short on purpose: only words that carry no meaning on their own in a
one-to-three-word answer (articles, pronouns, common prepositions and conjunctions).
They are kept in the form words take after normalisation (lowercase, casefolded).
"""

from __future__ import annotations

from facilitate.api import primary_language


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_WORDS: dict[str, frozenset[str]] = {
    "en": _words(
        """
        a an the and or but nor so yet of to in on at by for from with without about as
        into onto than then that this these those there here it its i me my mine we us
        our ours you your yours he him his she her hers they them their theirs is am are
        was were be been being do does did have has had will would can could should may
        might must not no very too just also more most some any all each every which who
        whom whose what when where why how if up down out over under again
        """
    ),
    "es": _words(
        """
        el la los las lo un una unos unas y e o u ni pero sino de del a al en con sin por
        para sobre entre hacia hasta desde que qué quien quién como cómo cuando donde mi
        mis tu tus su sus nuestro nuestra nuestros nuestras yo tú él ella nosotros
        nosotras ellos ellas me te se nos les le es son ser está están estar fue era hay
        muy más menos ya también no sí este esta estos estas ese esa esos esas eso esto
        """
    ),
    "fr": _words(
        """
        le la les l un une des du de d et ou ni mais donc car à au aux en dans par pour
        sur sous avec sans chez entre vers que qu qui quoi dont où ce cet cette ces mon
        ma mes ton ta tes son sa ses notre nos votre vos leur leurs je j tu il elle on
        nous vous ils elles me m te t se s lui y est sont être été était suis es a ont
        avoir très plus moins aussi ne n pas oui non
        """
    ),
    "ar": _words(
        """
        في من على إلى الى عن مع و أو او ثم لا ما أن ان إن هذا هذه ذلك تلك التي الذي الذين
        هو هي هم هن نحن أنا انا أنت انت كان كانت يكون كل قد لم لن بين عند كما لكن حتى أي اي
        إذا اذا منذ هناك هنا كيف متى أين لماذا أيضا ايضا فقط غير بعد قبل فوق تحت نعم ل ب ف
        """
    ),
    "id": _words(
        """
        yang dan di ke dari ini itu untuk dengan pada adalah atau juga tidak saya aku kamu
        anda kami kita mereka dia ia akan sudah telah ada dalam oleh sebagai karena jika
        tetapi namun bisa dapat lebih sangat para saja agar bahwa hanya seperti secara
        tersebut setelah serta ya nya si sang
        """
    ),
}
"""Stop words per language code."""


def stop_words(language: str) -> frozenset[str]:
    """The stop words of a language ("es", or "es-MX" for its base), empty if unknown."""
    return STOP_WORDS.get(primary_language(language), frozenset())
