"""Word banks for the sample site's invented prose: places, people, topics and templates.

None of this is real reporting; names of people and institutes are made up.
"""

from __future__ import annotations

PLACES = {
    "south-caucasus": (
        ("Armenia", "Azerbaijan", "Georgia"),
        (
            "Yerevan",
            "Baku",
            "Tbilisi",
            "Gyumri",
            "Ganja",
            "Batumi",
            "Kutaisi",
            "Lankaran",
            "Dilijan",
            "Zugdidi",
        ),
    ),
    "central-asia": (
        ("Kazakhstan", "Uzbekistan", "Kyrgyzstan", "Tajikistan", "Turkmenistan"),
        (
            "Astana",
            "Almaty",
            "Tashkent",
            "Bishkek",
            "Dushanbe",
            "Ashgabat",
            "Samarkand",
            "Osh",
            "Khujand",
        ),
    ),
    "russia": (("Russia",), ("Moscow", "St Petersburg", "Kazan", "Rostov-on-Don", "Sochi")),
    "ukraine-and-eastern-europe": (
        ("Ukraine", "Moldova", "Belarus"),
        ("Kyiv", "Chisinau", "Odesa", "Lviv", "Kharkiv", "Balti"),
    ),
    "gulf-and-red-sea-regions": (
        ("Saudi Arabia", "Yemen", "Oman", "Qatar", "Djibouti"),
        ("Riyadh", "Aden", "Muscat", "Doha", "Jeddah", "Salalah"),
    ),
    "turkiye-and-levant": (
        ("Türkiye", "Syria", "Lebanon", "Jordan"),
        ("Ankara", "Istanbul", "Beirut", "Amman", "Gaziantep", "Aleppo"),
    ),
    "north-africa-and-sahel": (
        ("Libya", "Tunisia", "Mali", "Niger", "Algeria"),
        ("Tripoli", "Tunis", "Bamako", "Niamey", "Algiers", "Benghazi"),
    ),
    "eu-plus": (
        ("the EU", "Norway", "Switzerland", "Iceland"),
        ("Brussels", "The Hague", "Strasbourg", "Berlin", "Vienna", "Oslo"),
    ),
    "global": (
        ("the UN", "the G20", "the OSCE"),
        ("Geneva", "New York", "Vienna", "Nairobi", "Rome"),
    ),
}
FIRST = (
    "Anahit",
    "Tigran",
    "Leyla",
    "Rashad",
    "Nino",
    "Giorgi",
    "Aigerim",
    "Timur",
    "Dilnoza",
    "Farrukh",
    "Oksana",
    "Taras",
    "Elif",
    "Kerem",
    "Yasmin",
    "Omar",
    "Ingrid",
    "Pieter",
    "Marta",
    "Sergei",
    "Zarina",
    "Bakhtiyor",
    "Salome",
    "Arman",
    "Gulnara",
    "Nodir",
)
LAST = (
    "Hakobyan",
    "Mammadli",
    "Beridze",
    "Tokayeva",
    "Yusupov",
    "Kovalenko",
    "Aydemir",
    "Haddad",
    "van der Berg",
    "Lindqvist",
    "Sargsyan",
    "Aliyeva",
    "Kvaratskhelia",
    "Nurlanov",
    "Rakhimova",
    "Bondar",
    "Demir",
    "Mansour",
    "Jansen",
    "Petrosyan",
    "Huseynov",
    "Abashidze",
    "Saidov",
    "Melnyk",
    "Okonkwo",
    "Castellanos",
)
ROLES = (
    "a researcher at",
    "a senior fellow at",
    "head of the regional programme at",
    "a lecturer at",
    "director of",
    "an analyst with",
    "a former adviser to",
)
INSTITUTES = (
    "the Caspian Policy Forum in Baku",
    "the Yerevan Centre for Regional Dialogue",
    "the Tbilisi Institute for Strategic Studies",
    "the Almaty School of Governance",
    "the Black Sea Research Network",
    "the Hague Centre for Peace Studies",
    "the Bishkek Water Institute",
    "the Levant Policy Lab in Amman",
    "the Steppe Economics Observatory",
    "the Danube Security Council",
)
OFFICIALS = (
    "The foreign minister",
    "A government spokesperson",
    "The deputy prime minister",
    "The speaker of parliament",
    "The head of the border service",
    "The economy minister",
    "The presidential envoy",
    "The energy minister",
)
TOPICS = (
    "border delimitation",
    "the draft peace treaty",
    "energy transit",
    "the Middle Corridor",
    "water sharing",
    "demining",
    "grain exports",
    "visa liberalisation",
    "the Caspian pipeline",
    "new rail links",
    "the exchange of detainees",
    "election monitoring",
    "press freedom",
    "climate adaptation",
    "customs reform",
    "hydropower",
    "the return of refugees",
    "cross-border trade",
    "electricity interconnectors",
    "digital connectivity",
)
PROJECTS = (
    "the new border bridge",
    "a solar power plant",
    "the ferry terminal",
    "a mine clearance survey",
    "the gas interconnector",
    "the railway upgrade",
    "a cross-border market",
    "the irrigation canal",
)
VISITORS = (
    "Foreign minister",
    "EU special representative",
    "Deputy prime minister",
    "UN envoy",
    "Defence minister",
)
ADJ = (
    "constructive",
    "frank",
    "difficult but useful",
    "businesslike",
    "substantive",
    "cautious",
    "open",
    "long overdue",
)
ORGS = (
    "The European Union",
    "The OSCE",
    "The UN Development Programme",
    "The Council of Europe",
    "The World Bank",
    "The Red Cross",
    "LINKS Europe",
    "The Asian Development Bank",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
OUTLETS = (
    ("Kommersant", "Moscow"),
    ("TASS", "Moscow"),
    ("APA", "Baku"),
    ("Armenpress", "Yerevan"),
    ("Civil.ge", "Tbilisi"),
    ("Kazinform", "Astana"),
    ("Daryo", "Tashkent"),
    ("Anadolu Agency", "Ankara"),
    ("Ukrinform", "Kyiv"),
    ("Asharq Al-Awsat", "London"),
    ("Le Monde", "Paris"),
    ("Interfax", "Moscow"),
)
SINGLE_OUTLETS = ("Reuters", "AFP", "Eurasianet", "RFE/RL")
CLAUSES = (
    "the sides had agreed to meet again before the end of the month",
    "technical teams would continue their work on {topic}",
    "{topic} remained the most difficult item on the agenda",
    "funding for {project} had been secured for the next three years",
    "no date had yet been set for the signing ceremony",
    "the working group on {topic} would report back in the autumn",
    "both delegations wanted to avoid any public dispute over {topic}",
    "the process would only succeed if it had the backing of ordinary people",
)
SENTENCES = (
    "{official} in {country} said on {weekday} that {clause}.",
    "The talks in {city} focused on {topic} and {topic2}.",
    "Observers in {city} noted that {clause}.",
    "According to diplomats familiar with the process, {clause}.",
    "{country} has long argued that {topic} cannot be separated from {topic2}.",
    "A joint statement issued after the meeting described the discussions as {adj}.",
    "{org} welcomed the step, calling it an important signal for {topic}.",
    "Progress on {topic} has been slow since {year}, when talks broke down over {topic2}.",
    "Residents of {city2} told reporters they hoped the agreement would bring lower prices.",
    "Work on {project} near {city2} is expected to begin next spring.",
    "The issue of {topic} is likely to return when ministers meet in {city} next month.",
    "Critics in {country}’s parliament said the deal gave too much away on {topic}.",
    "Trade between {country} and {country2} grew by {pct} per cent last year.",
    "Officials in {city} declined to comment on the reports.",
    "The move follows months of quiet contacts between officials in {city} and {city2}.",
    "Analysts say {country2}'s position on {topic} has softened in recent weeks.",
)
QUOTE_SENTENCES = (
    "We are closer to an agreement on {topic} than at any time in the last decade",
    "Nobody in {city} wants to go back to the situation we had in {year}",
    "The next six months will decide whether {topic} becomes a reality or stays on paper",
    "This is not a favour to anyone, it is in the interest of every family in the region",
    "Without {topic} there can be no lasting stability in {country}",
    "The public mood has changed and politicians are only now catching up",
    "What matters now is implementation, not another round of declarations",
    "{country} cannot afford to wait for its neighbours to move first",
    "We have seen promises like this before and we will judge them by results",
)
QUOTE_PHRASES = (
    "a new chapter",
    "a historic opportunity",
    "useful but incomplete",
    "the start of something new",
    "a step in the right direction",
)
QUESTIONS = (
    "How do you see the current state of {topic}?",
    "What role can civil society play in {country}?",
    "Is the public in {city} ready for compromise?",
    "Where do you expect the talks to be a year from now?",
    "What should the European Union do differently?",
)
ANSWERS = (
    "I think the honest answer is that we are only at the beginning. {s}",
    "There are reasons for cautious optimism. {s} Much depends on the next elections.",
    "People are tired of slogans. {s}",
    "It is a mixed picture. {s} But the direction of travel is positive.",
)
CAPTIONS = (
    "Delegations meet in {city}",
    "A view of the old town of {city}",
    "The border crossing near {city2}",
    "Ministers at the press conference in {city}",
    "Deminers at work outside {city2}",
    "Workers on {project}",
)
CREDITS = (
    "courtesy of the foreign ministry",
    "commonspace.eu archive",
    "LINKS Europe",
    "Reuters",
    "press service of the government",
)
TYPOS = {
    "successfully": "succesfully",
    "government": "goverment",
    "parliament": "parliment",
    "recommends": "reccomends",
    "receives": "recieves",
    "negotiations": "negociations",
    "commission": "comission",
}

NEWS_TITLES = (
    "{country} and {country2} hold new round of negotiations on {topic}",
    "{official2} visits {city} for talks on {topic}",
    "{country} successfully completes first phase of {project}",
    "{country} government approves plan for {topic}",
    "EU commission recommends more support for {country}",
    "{city} receives delegation from {city2} as contacts on {topic} intensify",
    "Trade & transit: {country} eyes bigger role in {topic}",
    "Parliament in {country} debates bill on {topic}",
    "{country2} says ‘decisive’ week ahead for {topic}",
)
OPINION_TITLES = (
    "Why {topic} matters for the whole region",
    "The road to peace runs through {city}",
    "{country} must not miss this chance on {topic}",
    "A generation that wants {topic}, not another war",
)
ANALYSIS_TITLES = (
    "{topic_cap} and the new geopolitics of {region}",
    "What next for {topic}?",
    "Five questions about {topic} in {country}",
)
EDITORIAL_TITLES = (
    "It is time to move forward on {topic}",
    "{country} deserves better",
    "The quiet progress on {topic} deserves more attention",
)
COMMENTARY_TITLES = (
    "A busy week for diplomacy in {city}",
    "{topic_cap} is back on the agenda",
    "Hope and caution in {country}",
)
EVENT_TITLES = (
    "LINKS Europe hosts roundtable on {topic} in {city}",
    "Young leaders from {region} meet in {city}",
    "Workshop on {topic} held in {city}",
)
LIVE_TITLES = (
    "Live blog: {country} votes in parliamentary elections",
    "Live blog: summit on {topic} in {city}",
)

SIMPLE_SLOTS: dict[str, tuple[str, ...]] = dict(
    project=PROJECTS,
    official=OFFICIALS,
    official2=VISITORS,
    weekday=WEEKDAYS,
    adj=ADJ,
    org=ORGS,
)
