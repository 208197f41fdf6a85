"""Small hand-written corpora for building tokenizers and tiny models in tests.

The French and English lists are loose parallel translations of one another (same index, same
news item), written for this project. They cover what the product must survive: guillemets
« », the French abbreviations M. and Mme, decimal commas (2,5) next to decimal points (1.5),
ellipses (…), accented letters, apostrophes and numbers with spaces as thousands separators.
"""

from __future__ import annotations

FRENCH_LINES: tuple[str, ...] = (
    "Le conseil municipal de Lyon a voté mardi soir un budget de 2,5 milliards d'euros.",
    "M. Dupont, maire adjoint chargé des transports, a défendu « un plan ambitieux mais réaliste ».",
    "Mme Lefèvre a rappelé que la ligne de tramway serait prolongée de 4,2 kilomètres d'ici 2027.",
    "Selon l'Insee, l'inflation a ralenti à 1,8 % sur un an en septembre.",
    "Les prix de l'énergie ont reculé, mais ceux de l'alimentation restent élevés…",
    "« Nous ne pouvons pas attendre plus longtemps », a déclaré la ministre de la Santé.",
    "L'hôpital de Rennes recrutera 120 infirmières et 35 médecins avant l'été.",
    "Le gouvernement prévoit une croissance de 1,1 % pour l'année prochaine.",
    "Les syndicats appellent à une grève nationale le jeudi 12 octobre.",
    "À Marseille, le port a accueilli 9 millions de passagers l'an dernier.",
    "La SNCF annonce des travaux sur la ligne Paris-Bordeaux pendant trois week-ends.",
    "Le tribunal a condamné l'entreprise à verser 150 000 euros de dommages et intérêts.",
    "M. Martin, 58 ans, a été réélu président de la région avec 52,3 % des voix.",
    "Mme Nguyen dirige depuis 2019 le laboratoire de recherche sur le climat de Grenoble.",
    "Les chercheurs ont mesuré une hausse de 1.5 degré de la température moyenne des lacs.",
    "Le festival d'Avignon a vendu plus de 110 000 billets cette année.",
    "La Banque de France maintient sa prévision : la reprise sera « lente et fragile ».",
    "Des orages violents ont frappé le sud-ouest ; 20 000 foyers sont privés d'électricité.",
    "Les élèves de terminale passeront l'épreuve de philosophie le lundi 15 juin.",
    "L'équipe de France de rugby s'est imposée 27 à 13 face à l'Irlande samedi.",
    "Le prix du litre de gazole a dépassé 1,90 euro dans certaines stations.",
    "La préfecture a interdit la circulation des poids lourds sur l'autoroute A7.",
    "« C'est une décision historique pour notre commune », s'est félicité le maire.",
    "Les ventes de voitures électriques ont progressé de 35 % au premier trimestre.",
    "Le musée du Louvre prolonge l'exposition consacrée aux peintres flamands.",
    "Un incendie s'est déclaré dans un entrepôt près de Lille ; il n'y a pas de blessés.",
    "Le Sénat examinera le projet de loi sur l'agriculture à partir de mercredi.",
    "Mme Moreau estime que « la réforme des retraites n'est pas terminée »…",
    "L'Assemblée nationale a adopté le texte par 312 voix contre 208.",
    "Les agriculteurs bretons réclament une aide d'urgence après la sécheresse.",
    "Le chômage a baissé à 7,3 % de la population active, son niveau le plus bas depuis 2008.",
    "La mairie de Paris veut planter 170 000 arbres d'ici la fin du mandat.",
    "M. Bernard a quitté ses fonctions de directeur général après onze ans à la tête du groupe.",
    "Les températures devraient dépasser 35 degrés à Toulouse et à Montpellier.",
    "Le trafic aérien à Roissy a retrouvé son niveau d'avant la crise sanitaire.",
    "Une enquête a été ouverte pour déterminer les causes de l'accident.",
    "Les enseignants demandent une revalorisation de leurs salaires d'au moins 10 %.",
    "L'université de Strasbourg accueille cette année 56 000 étudiants.",
    "Le Premier ministre s'exprimera ce soir à 20 h sur France 2.",
    "Après des mois de négociations, l'accord a finalement été signé à Bruxelles.",
    "Élections, économie, santé : voici ce qu'il faut retenir de la semaine.",
    "Où en est le chantier du Grand Paris Express ? Réponse dans notre dossier.",
)

ENGLISH_LINES: tuple[str, ...] = (
    "Lyon city council on Tuesday evening approved a budget of 2.5 billion euros.",
    'Mr Dupont, the deputy mayor for transport, defended "an ambitious but realistic plan".',
    "Ms Lefevre said the tram line would be extended by 4.2 kilometres by 2027.",
    "According to Insee, inflation slowed to 1.8% year on year in September.",
    "Energy prices fell, but food prices remain high...",
    '"We cannot wait any longer," the health minister said.',
    "The hospital in Rennes will hire 120 nurses and 35 doctors before the summer.",
    "The government expects growth of 1.1% next year.",
    "Unions are calling for a national strike on Thursday 12 October.",
    "In Marseille, the port welcomed 9 million passengers last year.",
    "SNCF announced works on the Paris-Bordeaux line over three weekends.",
    "The court ordered the company to pay 150,000 euros in damages.",
    "Mr Martin, 58, was re-elected president of the region with 52.3% of the vote.",
    "Ms Nguyen has led the climate research laboratory in Grenoble since 2019.",
    "Researchers measured a 1.5 degree rise in the average temperature of the lakes.",
    "The Avignon festival sold more than 110,000 tickets this year.",
    'The Bank of France kept its forecast: the recovery will be "slow and fragile".',
    "Violent storms hit the south-west; 20,000 homes are without electricity.",
    "Final-year pupils will sit the philosophy exam on Monday 15 June.",
    "The French rugby team beat Ireland 27 to 13 on Saturday.",
    "The price of a litre of diesel rose above 1.90 euros at some stations.",
    "The prefecture banned heavy goods vehicles from the A7 motorway.",
    '"This is a historic decision for our town," the mayor said.',
    "Sales of electric cars rose by 35% in the first quarter.",
    "The Louvre museum is extending its exhibition on Flemish painters.",
    "A fire broke out in a warehouse near Lille; nobody was injured.",
    "The Senate will examine the farming bill from Wednesday.",
    'Ms Moreau believes that "the pension reform is not over"...',
    "The National Assembly passed the text by 312 votes to 208.",
    "Farmers in Brittany are demanding emergency aid after the drought.",
    "Unemployment fell to 7.3% of the workforce, its lowest level since 2008.",
    "Paris city hall wants to plant 170,000 trees by the end of its term.",
    "Mr Bernard stepped down as chief executive after eleven years at the head of the group.",
    "Temperatures are expected to exceed 35 degrees in Toulouse and Montpellier.",
    "Air traffic at Roissy has returned to its pre-pandemic level.",
    "An investigation has been opened to determine the causes of the accident.",
    "Teachers are asking for a pay rise of at least 10%.",
    "The University of Strasbourg has 56,000 students this year.",
    "The Prime Minister will speak tonight at 8 pm on France 2.",
    "After months of negotiations, the agreement was finally signed in Brussels.",
    "Elections, the economy, health: here is what to remember from the week.",
    "Where does the Grand Paris Express project stand? The answer in our report.",
)

# English news paragraphs for the BART tokenizer and summarisation tests: longer lines than
# the parallel lists, so the byte-level BPE sees realistic word frequencies.
ENGLISH_NEWS_LINES: tuple[str, ...] = ENGLISH_LINES + (
    "The central bank left its main interest rate unchanged at 4.5% on Thursday, saying "
    "inflation was easing more slowly than it had hoped.",
    "Officials said the new bridge, which cost $1.2 billion, would cut journey times across "
    "the river by about 20 minutes during the morning rush hour.",
    "Police closed the motorway for several hours after a lorry overturned near the junction; "
    "two drivers were taken to hospital with minor injuries.",
    "The company reported a quarterly profit of 830 million dollars, up 12% on the same period "
    "last year, and raised its forecast for the full year.",
    'Dr Sarah Collins, who led the study, said the results were "encouraging but preliminary" '
    "and called for a larger trial involving 3,000 patients.",
    "Thousands of people marched through the capital on Saturday to protest against the plan, "
    "which critics say will raise rents for low-income families.",
    "The weather service issued an amber warning for heavy rain, with up to 80 millimetres "
    "expected in parts of the north over the weekend.",
    "Shares in the airline fell sharply after it cancelled more than 400 flights because of a strike by air traffic controllers.",
    "The minister told parliament that the government would publish its long-awaited housing strategy before the end of the year.",
    "Scientists have discovered a new species of frog in the rainforest, the third such find in the region since 2020.",
    "The football club confirmed that its manager had signed a new three-year contract, ending weeks of speculation about his future.",
    "Schools in the district will remain closed on Monday while engineers inspect buildings damaged by the earthquake.",
)
