"""The participant page's and the projector's own words in every language they speak.

Questions and options come from the agenda, in the agenda's language; everything the
page itself says (buttons, confirmations, errors) comes from here. A language is picked
from the ``lang`` query parameter or cookie (set by the visible switch), then the
browser's ``Accept-Language``, then the agenda's language, then English. What the room
sees on the projector (the ``screen_`` words, on the terminal and the web projector page)
follows the agenda's language alone. Plain tables, no aiohttp: the terminal UI reads them.
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "es": "Español",
    "fr": "Français",
    "ar": "العربية",
    "id": "Bahasa Indonesia",
}
RTL = frozenset({"ar"})

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "title": "Form",
        "exit": "Exit",
        "refresh": "Refresh",
        "language": "Language",
        "join_heading": "Welcome",
        "join_prompt": "Type the code shown on the screen.",
        "join_code": "Code",
        "join_button": "Join",
        "waiting": "Please wait for the next question.",
        "waiting_hint": "Tap Refresh when the facilitator moves on.",
        "send": "Send",
        "update": "Change my answer",
        "received": "Answer received. Thank you!",
        "can_change": "You can change it until the question closes.",
        "closed": "This question is closed.",
        "withdraw": "Withdraw my answer",
        "unavailable": "This question is not available right now.",
        "locked": "The room is closed to new participants. Please ask the facilitator.",
        "bad_code": "This code is not valid. Check the code on the screen and try again.",
        "not_joined": "Please join first with the code on the screen.",
        "bad_form": "This page was out of date, so nothing was saved. Please try again.",
        "cross_site": "This request came from another site and was refused.",
        "too_large": "That was too much to send. Please shorten your answer.",
        "too_many": "Too many requests at once. Please wait a moment and try again.",
        "not_found": "This page does not exist.",
        "method": "This page cannot be used that way.",
        "bad_request": "This request could not be understood.",
        "server_error": "Something went wrong. Your earlier answers are safe. Please try again.",
        "facilitator_only": "This page needs the facilitator's link.",
        "sorry": "Sorry",
        "back": "Back to the questions",
        "max_chars": "Up to {max} characters.",
        "choose_up_to": "Choose up to {max}.",
        "choose_at_least": "Choose at least {min}.",
        "place": "Place",
        "rank_hint": "Give each option a different place, 1 = first.",
        "points_hint": "Share out exactly {total} points.",
        "weather": "Weather",
        "weather_today": "Today: partly cloudy, light wind, 21°.",
        "weather_tomorrow": "Tomorrow: sunny spells, 23°.",
        "err_required": "Please answer this question.",
        "err_not_an_option": "Please choose one of the options.",
        "err_too_few": "Please choose at least {min}.",
        "err_too_many": "Please choose at most {max}.",
        "err_out_of_range": "Please choose a value from {min} to {max}.",
        "err_too_long": "Please keep it under {max} characters.",
        "err_not_a_ranking": "Please give each option a different place, from 1 to {count}.",
        "err_points_total": "Please share out exactly {total} points.",
        "err_closed": "This question is not open for answers right now.",
        "err_invalid": "This answer could not be accepted.",
        # The projector's own words, for the room (the console stays English).
        "screen_answer_now": "Answer now on your phone",
        "screen_answering_closed": "Answering is closed",
        "screen_results_after_people": "Results appear once {k} people have answered.",
        "screen_results_private": "The results of this item stay private.",
        "screen_results_once_revealed": "Results are shown once revealed.",
        "screen_results_after_answers": "Results appear after at least {k} answers.",
        "screen_results_off": "These results stay off the projector.",
        "screen_problem": "This activity has a problem; see the console.",
        "screen_closed_to_phones": "The room is closed to new phones",
        "screen_room_locked": "The room is locked.",
        "screen_join_code": "join code",
        "screen_join": "Join",
        "screen_wifi": "Wi-Fi",
        "screen_item_of": "Item {number} of {total}",
        "screen_not_open": "not open yet",
        "screen_open": "answering open",
        "screen_closed": "answering closed",
        "screen_answers_one": "{count} answer",
        "screen_answers_other": "{count} answers",
        "screen_joined": "{count} joined",
        "screen_locked": "room locked",
        "screen_timer_over": "OVER TIME",
        "screen_timer_last_minutes": "last minutes",
        "screen_timer_running": "running",
        "screen_timer_paused": "paused",
    },
    "es": {
        "title": "Formulario",
        "exit": "Salir",
        "refresh": "Actualizar",
        "language": "Idioma",
        "join_heading": "Bienvenida",
        "join_prompt": "Escribe el código que aparece en la pantalla.",
        "join_code": "Código",
        "join_button": "Entrar",
        "waiting": "Espera la siguiente pregunta, por favor.",
        "waiting_hint": "Toca Actualizar cuando la facilitadora continúe.",
        "send": "Enviar",
        "update": "Cambiar mi respuesta",
        "received": "Respuesta recibida. ¡Gracias!",
        "can_change": "Puedes cambiarla hasta que se cierre la pregunta.",
        "closed": "Esta pregunta está cerrada.",
        "withdraw": "Retirar mi respuesta",
        "unavailable": "Esta pregunta no está disponible ahora.",
        "locked": "La sala está cerrada a nuevas personas. Pregunta a la facilitadora.",
        "bad_code": "Este código no es válido. Mira el código de la pantalla e inténtalo otra vez.",
        "not_joined": "Primero entra con el código que aparece en la pantalla.",
        "bad_form": "Esta página estaba desactualizada y no se guardó nada. Inténtalo de nuevo.",
        "cross_site": "Esta solicitud venía de otro sitio y fue rechazada.",
        "too_large": "Era demasiado para enviar. Acorta tu respuesta, por favor.",
        "too_many": "Demasiadas solicitudes a la vez. Espera un momento e inténtalo de nuevo.",
        "not_found": "Esta página no existe.",
        "method": "Esta página no se puede usar así.",
        "bad_request": "No se pudo entender esta solicitud.",
        "server_error": "Algo salió mal. Tus respuestas anteriores están a salvo. Prueba otra vez.",
        "facilitator_only": "Esta página necesita el enlace de la facilitadora.",
        "sorry": "Lo sentimos",
        "back": "Volver a las preguntas",
        "max_chars": "Hasta {max} caracteres.",
        "choose_up_to": "Elige hasta {max}.",
        "choose_at_least": "Elige al menos {min}.",
        "place": "Lugar",
        "rank_hint": "Da a cada opción un lugar distinto, 1 = primero.",
        "points_hint": "Reparte exactamente {total} puntos.",
        "weather": "El tiempo",
        "weather_today": "Hoy: parcialmente nublado, viento suave, 21°.",
        "weather_tomorrow": "Mañana: intervalos soleados, 23°.",
        "err_required": "Responde a esta pregunta, por favor.",
        "err_not_an_option": "Elige una de las opciones, por favor.",
        "err_too_few": "Elige al menos {min}, por favor.",
        "err_too_many": "Elige como máximo {max}, por favor.",
        "err_out_of_range": "Elige un valor de {min} a {max}, por favor.",
        "err_too_long": "Usa menos de {max} caracteres, por favor.",
        "err_not_a_ranking": "Da a cada opción un lugar distinto, de 1 a {count}.",
        "err_points_total": "Reparte exactamente {total} puntos, por favor.",
        "err_closed": "Esta pregunta no admite respuestas ahora.",
        "err_invalid": "No se pudo aceptar esta respuesta.",
        # The projector's own words, for the room (the console stays English).
        "screen_answer_now": "Responde ahora en tu teléfono",
        "screen_answering_closed": "Las respuestas están cerradas",
        "screen_results_after_people": "Los resultados aparecen cuando respondan {k} personas.",
        "screen_results_private": "Los resultados de este punto se mantienen privados.",
        "screen_results_once_revealed": "Los resultados se muestran cuando se revelan.",
        "screen_results_after_answers": "Los resultados aparecen a partir de {k} respuestas.",
        "screen_results_off": "Estos resultados no se proyectan.",
        "screen_problem": "Esta actividad tiene un problema; revisa la consola.",
        "screen_closed_to_phones": "La sala está cerrada a nuevos teléfonos",
        "screen_room_locked": "La sala está cerrada.",
        "screen_join_code": "código para entrar",
        "screen_join": "Entrar",
        "screen_wifi": "Wi-Fi",
        "screen_item_of": "Punto {number} de {total}",
        "screen_not_open": "todavía sin abrir",
        "screen_open": "respuestas abiertas",
        "screen_closed": "respuestas cerradas",
        "screen_answers_one": "{count} respuesta",
        "screen_answers_other": "{count} respuestas",
        "screen_joined": "{count} conectados",
        "screen_locked": "sala cerrada",
        "screen_timer_over": "TIEMPO CUMPLIDO",
        "screen_timer_last_minutes": "últimos minutos",
        "screen_timer_running": "en marcha",
        "screen_timer_paused": "en pausa",
    },
    "fr": {
        "title": "Formulaire",
        "exit": "Quitter",
        "refresh": "Actualiser",
        "language": "Langue",
        "join_heading": "Bienvenue",
        "join_prompt": "Saisissez le code affiché à l'écran.",
        "join_code": "Code",
        "join_button": "Entrer",
        "waiting": "Merci d'attendre la prochaine question.",
        "waiting_hint": "Touchez Actualiser quand l'animatrice passe à la suite.",
        "send": "Envoyer",
        "update": "Modifier ma réponse",
        "received": "Réponse reçue. Merci !",
        "can_change": "Vous pouvez la modifier jusqu'à la fermeture de la question.",
        "closed": "Cette question est fermée.",
        "withdraw": "Retirer ma réponse",
        "unavailable": "Cette question n'est pas disponible pour le moment.",
        "locked": "La salle est fermée aux nouvelles personnes. Demandez à l'animatrice.",
        "bad_code": "Ce code n'est pas valide. Vérifiez le code à l'écran et réessayez.",
        "not_joined": "Entrez d'abord avec le code affiché à l'écran.",
        "bad_form": "Cette page n'était plus à jour, rien n'a été enregistré. Réessayez.",
        "cross_site": "Cette demande venait d'un autre site et a été refusée.",
        "too_large": "C'était trop long à envoyer. Raccourcissez votre réponse.",
        "too_many": "Trop de demandes à la fois. Attendez un instant et réessayez.",
        "not_found": "Cette page n'existe pas.",
        "method": "Cette page ne s'utilise pas ainsi.",
        "bad_request": "Cette demande n'a pas pu être comprise.",
        "server_error": "Un problème est survenu. Vos réponses précédentes sont sauves. Réessayez.",
        "facilitator_only": "Cette page demande le lien de l'animatrice.",
        "sorry": "Désolé",
        "back": "Retour aux questions",
        "max_chars": "Jusqu'à {max} caractères.",
        "choose_up_to": "Choisissez-en jusqu'à {max}.",
        "choose_at_least": "Choisissez-en au moins {min}.",
        "place": "Rang",
        "rank_hint": "Donnez à chaque option un rang différent, 1 = premier.",
        "points_hint": "Répartissez exactement {total} points.",
        "weather": "Météo",
        "weather_today": "Aujourd'hui : partiellement nuageux, vent faible, 21°.",
        "weather_tomorrow": "Demain : éclaircies, 23°.",
        "err_required": "Merci de répondre à cette question.",
        "err_not_an_option": "Merci de choisir une des options.",
        "err_too_few": "Merci d'en choisir au moins {min}.",
        "err_too_many": "Merci d'en choisir au plus {max}.",
        "err_out_of_range": "Merci de choisir une valeur de {min} à {max}.",
        "err_too_long": "Merci de rester sous {max} caractères.",
        "err_not_a_ranking": "Merci de donner à chaque option un rang différent, de 1 à {count}.",
        "err_points_total": "Merci de répartir exactement {total} points.",
        "err_closed": "Cette question n'accepte pas de réponses pour le moment.",
        "err_invalid": "Cette réponse n'a pas pu être acceptée.",
        # The projector's own words, for the room (the console stays English).
        "screen_answer_now": "Répondez maintenant sur votre téléphone",
        "screen_answering_closed": "Les réponses sont closes",
        "screen_results_after_people": "Les résultats s'affichent quand {k} personnes ont répondu.",
        "screen_results_private": "Les résultats de ce point restent privés.",
        "screen_results_once_revealed": "Les résultats s'affichent une fois dévoilés.",
        "screen_results_after_answers": "Les résultats s'affichent à partir de {k} réponses.",
        "screen_results_off": "Ces résultats ne sont pas projetés.",
        "screen_problem": "Cette activité a un problème ; voir la console.",
        "screen_closed_to_phones": "La salle est fermée aux nouveaux téléphones",
        "screen_room_locked": "La salle est fermée.",
        "screen_join_code": "code d'accès",
        "screen_join": "Entrer",
        "screen_wifi": "Wi-Fi",
        "screen_item_of": "Point {number} sur {total}",
        "screen_not_open": "pas encore ouvert",
        "screen_open": "réponses ouvertes",
        "screen_closed": "réponses closes",
        "screen_answers_one": "{count} réponse",
        "screen_answers_other": "{count} réponses",
        "screen_joined": "{count} connectés",
        "screen_locked": "salle fermée",
        "screen_timer_over": "TEMPS DÉPASSÉ",
        "screen_timer_last_minutes": "dernières minutes",
        "screen_timer_running": "en cours",
        "screen_timer_paused": "en pause",
    },
    "ar": {
        "title": "نموذج",
        "exit": "خروج",
        "refresh": "تحديث",
        "language": "اللغة",
        "join_heading": "أهلاً بكِ",
        "join_prompt": "اكتبي الرمز الظاهر على الشاشة.",
        "join_code": "الرمز",
        "join_button": "دخول",
        "waiting": "يرجى انتظار السؤال التالي.",
        "waiting_hint": "اضغطي «تحديث» عندما تنتقل الميسّرة إلى الخطوة التالية.",
        "send": "إرسال",
        "update": "تعديل إجابتي",
        "received": "تم استلام الإجابة. شكراً لكِ!",
        "can_change": "يمكنكِ تعديلها حتى يُغلق السؤال.",
        "closed": "هذا السؤال مغلق.",
        "withdraw": "سحب إجابتي",
        "unavailable": "هذا السؤال غير متاح الآن.",
        "locked": "الغرفة مغلقة أمام المشاركات الجدد. يرجى سؤال الميسّرة.",
        "bad_code": "هذا الرمز غير صالح. تحققي من الرمز على الشاشة وحاولي مجدداً.",
        "not_joined": "يرجى الدخول أولاً بالرمز الظاهر على الشاشة.",
        "bad_form": "كانت هذه الصفحة قديمة، ولم يُحفظ شيء. يرجى المحاولة مجدداً.",
        "cross_site": "جاء هذا الطلب من موقع آخر فتم رفضه.",
        "too_large": "المحتوى أطول من اللازم. يرجى اختصار إجابتك.",
        "too_many": "طلبات كثيرة في وقت واحد. انتظري قليلاً ثم حاولي مجدداً.",
        "not_found": "هذه الصفحة غير موجودة.",
        "method": "لا يمكن استخدام هذه الصفحة بهذه الطريقة.",
        "bad_request": "تعذّر فهم هذا الطلب.",
        "server_error": "حدث خطأ ما. إجاباتك السابقة محفوظة. يرجى المحاولة مجدداً.",
        "facilitator_only": "هذه الصفحة تحتاج إلى رابط الميسّرة.",
        "sorry": "عذراً",
        "back": "العودة إلى الأسئلة",
        "max_chars": "حتى {max} حرفاً.",
        "choose_up_to": "اختاري حتى {max}.",
        "choose_at_least": "اختاري {min} على الأقل.",
        "place": "الترتيب",
        "rank_hint": "أعطي كل خيار ترتيباً مختلفاً، 1 = الأول.",
        "points_hint": "وزّعي {total} نقطة بالضبط.",
        "weather": "الطقس",
        "weather_today": "اليوم: غائم جزئياً، رياح خفيفة، 21°.",
        "weather_tomorrow": "غداً: مشمس أحياناً، 23°.",
        "err_required": "يرجى الإجابة عن هذا السؤال.",
        "err_not_an_option": "يرجى اختيار أحد الخيارات.",
        "err_too_few": "يرجى اختيار {min} على الأقل.",
        "err_too_many": "يرجى اختيار {max} على الأكثر.",
        "err_out_of_range": "يرجى اختيار قيمة من {min} إلى {max}.",
        "err_too_long": "يرجى ألا تتجاوزي {max} حرفاً.",
        "err_not_a_ranking": "يرجى إعطاء كل خيار ترتيباً مختلفاً، من 1 إلى {count}.",
        "err_points_total": "يرجى توزيع {total} نقطة بالضبط.",
        "err_closed": "هذا السؤال لا يقبل إجابات الآن.",
        "err_invalid": "تعذّر قبول هذه الإجابة.",
        # The projector's own words, for the room (the console stays English).
        "screen_answer_now": "أجيبي الآن من هاتفك",
        "screen_answering_closed": "أُغلق باب الإجابة",
        "screen_results_after_people": "تظهر النتائج عندما يصل عدد المجيبات إلى {k}.",
        "screen_results_private": "نتائج هذه الفقرة تبقى خاصة.",
        "screen_results_once_revealed": "تظهر النتائج عند كشفها.",
        "screen_results_after_answers": "تظهر النتائج عندما يصل عدد الإجابات إلى {k} على الأقل.",
        "screen_results_off": "هذه النتائج لا تُعرض على الشاشة.",
        "screen_problem": "في هذا النشاط مشكلة؛ راجعي شاشة التحكم.",
        "screen_closed_to_phones": "الغرفة مغلقة أمام الهواتف الجديدة",
        "screen_room_locked": "الغرفة مغلقة.",
        "screen_join_code": "رمز الدخول",
        "screen_join": "الدخول",
        "screen_wifi": "واي فاي",
        "screen_item_of": "الفقرة {number} من {total}",
        "screen_not_open": "لم تُفتح بعد",
        "screen_open": "الإجابة مفتوحة",
        "screen_closed": "الإجابة مغلقة",
        "screen_answers_one": "الإجابات: {count}",
        "screen_answers_other": "الإجابات: {count}",
        "screen_joined": "المنضمّات: {count}",
        "screen_locked": "الغرفة مقفلة",
        "screen_timer_over": "انتهى الوقت",
        "screen_timer_last_minutes": "الدقائق الأخيرة",
        "screen_timer_running": "الوقت يجري",
        "screen_timer_paused": "متوقف مؤقتاً",
    },
    "id": {
        "title": "Formulir",
        "exit": "Keluar",
        "refresh": "Muat ulang",
        "language": "Bahasa",
        "join_heading": "Selamat datang",
        "join_prompt": "Ketik kode yang tampil di layar.",
        "join_code": "Kode",
        "join_button": "Masuk",
        "waiting": "Mohon tunggu pertanyaan berikutnya.",
        "waiting_hint": "Ketuk Muat ulang saat fasilitator melanjutkan.",
        "send": "Kirim",
        "update": "Ubah jawaban saya",
        "received": "Jawaban diterima. Terima kasih!",
        "can_change": "Anda bisa mengubahnya sampai pertanyaan ditutup.",
        "closed": "Pertanyaan ini sudah ditutup.",
        "withdraw": "Tarik jawaban saya",
        "unavailable": "Pertanyaan ini belum tersedia.",
        "locked": "Ruangan tertutup untuk peserta baru. Silakan tanya fasilitator.",
        "bad_code": "Kode ini tidak berlaku. Periksa kode di layar lalu coba lagi.",
        "not_joined": "Silakan masuk dulu dengan kode di layar.",
        "bad_form": "Halaman ini sudah usang, jadi tidak ada yang disimpan. Silakan coba lagi.",
        "cross_site": "Permintaan ini datang dari situs lain dan ditolak.",
        "too_large": "Isinya terlalu panjang. Silakan persingkat jawaban Anda.",
        "too_many": "Terlalu banyak permintaan sekaligus. Tunggu sebentar lalu coba lagi.",
        "not_found": "Halaman ini tidak ada.",
        "method": "Halaman ini tidak bisa dipakai dengan cara itu.",
        "bad_request": "Permintaan ini tidak dapat dipahami.",
        "server_error": "Terjadi kesalahan. Jawaban Anda sebelumnya aman. Silakan coba lagi.",
        "facilitator_only": "Halaman ini memerlukan tautan fasilitator.",
        "sorry": "Maaf",
        "back": "Kembali ke pertanyaan",
        "max_chars": "Paling banyak {max} karakter.",
        "choose_up_to": "Pilih paling banyak {max}.",
        "choose_at_least": "Pilih paling sedikit {min}.",
        "place": "Urutan",
        "rank_hint": "Beri setiap pilihan urutan berbeda, 1 = pertama.",
        "points_hint": "Bagikan tepat {total} poin.",
        "weather": "Cuaca",
        "weather_today": "Hari ini: berawan sebagian, angin pelan, 21°.",
        "weather_tomorrow": "Besok: cerah berawan, 23°.",
        "err_required": "Mohon jawab pertanyaan ini.",
        "err_not_an_option": "Mohon pilih salah satu pilihan.",
        "err_too_few": "Mohon pilih paling sedikit {min}.",
        "err_too_many": "Mohon pilih paling banyak {max}.",
        "err_out_of_range": "Mohon pilih nilai dari {min} sampai {max}.",
        "err_too_long": "Mohon tidak lebih dari {max} karakter.",
        "err_not_a_ranking": "Mohon beri setiap pilihan urutan berbeda, dari 1 sampai {count}.",
        "err_points_total": "Mohon bagikan tepat {total} poin.",
        "err_closed": "Pertanyaan ini sedang tidak menerima jawaban.",
        "err_invalid": "Jawaban ini tidak dapat diterima.",
        # The projector's own words, for the room (the console stays English).
        "screen_answer_now": "Jawab sekarang di ponsel Anda",
        "screen_answering_closed": "Waktu menjawab sudah ditutup",
        "screen_results_after_people": "Hasil muncul setelah {k} orang menjawab.",
        "screen_results_private": "Hasil butir ini tetap rahasia.",
        "screen_results_once_revealed": "Hasil ditampilkan setelah dibuka.",
        "screen_results_after_answers": "Hasil muncul setelah ada paling sedikit {k} jawaban.",
        "screen_results_off": "Hasil ini tidak ditampilkan di layar.",
        "screen_problem": "Aktivitas ini bermasalah; lihat konsol.",
        "screen_closed_to_phones": "Ruangan tertutup untuk ponsel baru",
        "screen_room_locked": "Ruangan dikunci.",
        "screen_join_code": "kode masuk",
        "screen_join": "Masuk",
        "screen_wifi": "Wi-Fi",
        "screen_item_of": "Butir {number} dari {total}",
        "screen_not_open": "belum dibuka",
        "screen_open": "menjawab dibuka",
        "screen_closed": "menjawab ditutup",
        "screen_answers_one": "{count} jawaban",
        "screen_answers_other": "{count} jawaban",
        "screen_joined": "{count} bergabung",
        "screen_locked": "ruangan dikunci",
        "screen_timer_over": "WAKTU HABIS",
        "screen_timer_last_minutes": "menit terakhir",
        "screen_timer_running": "berjalan",
        "screen_timer_paused": "dijeda",
    },
}

DEFAULT_LANGUAGE = "en"


class Translator:
    """The page's words in one language; missing words fall back to English."""

    def __init__(self, language: str) -> None:
        language = primary_language(language)
        self.language = language if language in MESSAGES else DEFAULT_LANGUAGE
        self._messages = MESSAGES[self.language]

    @property
    def direction(self) -> str:
        return "rtl" if self.language in RTL else "ltr"

    def __call__(self, key: str, **params: object) -> str:
        text = self._messages.get(key) or MESSAGES[DEFAULT_LANGUAGE].get(key, key)
        try:
            return text.format(**params) if params else text
        except (KeyError, IndexError, ValueError):
            return text


def primary_language(tag: str) -> str:
    """``"es-MX"`` → ``"es"``: the tables are per language, not per region."""
    return tag.split("-")[0].strip().lower()


def parse_accept_language(header: str) -> list[str]:
    """Primary language tags from an ``Accept-Language`` header, most wanted first."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        if not tag or tag == "*":
            continue
        quality = 1.0
        for parameter in pieces[1:]:
            name, _, value = parameter.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            weighted.append((-quality, position, tag.split("-")[0]))
    return [tag for _, _, tag in sorted(weighted)]


def choose_language(
    *,
    query: str | None = None,
    cookie: str | None = None,
    accept_language: str | None = None,
    default: str = DEFAULT_LANGUAGE,
) -> str:
    """The language to speak: an explicit choice, then the browser's, then the agenda's."""
    for explicit in (query, cookie):
        if explicit and explicit in MESSAGES:
            return explicit
    for tag in parse_accept_language(accept_language or ""):
        if tag in MESSAGES:
            return tag
    default = primary_language(default)
    return default if default in MESSAGES else DEFAULT_LANGUAGE


def missing_keys() -> Mapping[str, set[str]]:
    """Keys each language lacks compared with English (the tests keep this empty)."""
    english = set(MESSAGES[DEFAULT_LANGUAGE])
    return {lang: english - set(words) for lang, words in MESSAGES.items()}
