"""Direct quotes and their speakers, read from body paragraphs (text invented for the tests)."""

from __future__ import annotations

from core.model import Quote
from scraper.parse.quotes import find_quotes


def quotes(*paragraphs: str, title: str | None = None, lede: str | None = None) -> list[Quote]:
    return find_quotes(list(paragraphs), [False] * len(paragraphs), title, lede)


def speakers(*paragraphs: str) -> list[str | None]:
    return [q.speaker for q in quotes(*paragraphs)]


def test_named_with_appositive_then_anaphora() -> None:
    """ "X, a researcher at …, pointed out that "…"" then ""…," the expert added" → X twice."""
    found = quotes(
        "Nadia Haddad, a senior fellow at the Institute for Coastal Studies, pointed out that "
        '"the harbour has been dredged twice in ten years." "Without a third dredging the '
        'ships will simply go elsewhere," the expert added.',
        'On the budget she was blunt. "Nobody in the ministry has asked what the port '
        'will earn in return," the expert explained.',
    )
    assert [q.speaker for q in found] == ["Nadia Haddad"] * 3
    assert [q.paragraph for q in found] == [0, 0, 1]
    assert found[1].text.endswith("elsewhere")  # the comma before the attribution goes


def test_said_colon_introduces_a_quote() -> None:
    """ "Speaking about this visit X said:" followed by the quoted passage → X."""
    assert speakers(
        'Speaking about the new ferry Omar Rahimov said: "We have waited eleven years '
        'for a boat that leaves on time."'
    ) == ["Omar Rahimov"]


def test_colon_paragraph_and_quote_spanning_paragraphs() -> None:
    """A quote opened in one paragraph and reopened in the next is one quote."""
    found = quotes(
        "After the vote, the mayor of Gyumri, Arman Petrosyan, said:",
        "“We asked for the road ten times, and ten times we were told to wait.",
        "“Today the waiting is over,” he added.",
    )
    assert len(found) == 1
    assert found[0].speaker == "Arman Petrosyan"
    assert found[0].paragraph == 1
    assert found[0].text.splitlines()[1] == "Today the waiting is over"


def test_after_attribution_with_name() -> None:
    """ ""…," said X" and ""…," X told reporters" give X."""
    assert speakers(
        '"The border will stay open for lorries," said Giorgi Beridze, the customs chief.',
        '"Passenger cars will follow in the spring," Elena Moraru told reporters.',
    ) == ["Giorgi Beridze", "Elena Moraru"]


def test_titles_are_not_part_of_names() -> None:
    """ "Foreign Minister X said" names X, not the office."""
    assert speakers(
        'Azerbaijani Foreign Minister Kamran Huseynov said that "the text is ready for '
        'signature and has been for a month."'
    ) == ["Kamran Huseynov"]


def test_non_person_attribution_is_unknown() -> None:
    """ "…," the statement said — a statement is not a person: speaker None, not a guess."""
    assert speakers(
        "The ministry issued a statement. “The ministry remains committed to the talks "
        "and to the timetable agreed in May,” the statement said."
    ) == [None]


def test_anaphora_needs_a_speaker() -> None:
    """ "he said" with nobody named before stays None."""
    assert speakers('"We will not sign anything this year," he said.') == [None]


def test_new_subject_beats_the_last_speaker() -> None:
    """ "he said" after a sentence opening with a new person refers to that person."""
    assert speakers(
        '"The treaty is a good start for both countries," said Leyla Aliyeva.',
        'Ruben Hakobyan, who chairs the committee, disagreed. "It is a start that leads '
        'nowhere without ratification," he said.',
    ) == ["Leyla Aliyeva", "Ruben Hakobyan"]


def test_scare_quotes_are_skipped() -> None:
    """Quotes under four words ("high treason") are scare quotes, not quotes."""
    assert quotes('He was accused of "high treason" and "to maintain security" was cited.') == []


def test_qa_interview_answers_are_quotes_of_the_interviewee() -> None:
    """Q:/A: turns: answers are quotes by the person in the title; questions are not quotes."""
    found = quotes(
        "Q: When did the project start?",
        "A: In the spring of 2021, with two schools and one bus.",
        "Now there are nine schools.",
        "Q: And next year?",
        "A: Twelve, if the ministry keeps its promise.",
        title="Thursday Interview: Sona Grigoryan",
    )
    assert [(q.speaker, q.paragraph) for q in found] == [
        ("Sona Grigoryan", 1),
        ("Sona Grigoryan", 4),
    ]
    assert (
        found[0].text
        == "In the spring of 2021, with two schools and one bus.\nNow there are nine schools."
    )


def test_bold_question_interview() -> None:
    """Bold questions followed by plain answers: each answer is a quote by the interviewee."""
    paragraphs = [
        "Why open a library in a border village?",
        "Because the nearest one is forty kilometres away and the road is closed in winter.",
        "Who comes?",
        "Children in the afternoon, their grandparents in the morning.",
    ]
    found = find_quotes(
        paragraphs, [True, False, True, False], "Interview with Anahit Sargsyan", None
    )
    assert [(q.speaker, q.paragraph) for q in found] == [
        ("Anahit Sargsyan", 1),
        ("Anahit Sargsyan", 3),
    ]


def test_russian_attribution_after_a_dash() -> None:
    """«…», — заявил X. (Russian word order, after a dash) gives X; an unnamed source gives None."""
    assert speakers(
        "«Новый паром будет ходить по расписанию уже этой весной», — заявил министр "
        "транспорта Тимур Ахмедов."
    ) == ["Тимур Ахмедов"]
    assert speakers(
        "«Переговоры продолжатся на следующей неделе и в другом городе», — сообщили в министерстве."
    ) == [None]
