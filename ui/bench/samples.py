"""Sample texts written for the project, so ``passerelle bench`` runs from an installed package
with nothing else: five invented French news articles (people and places made up) and
English news sentences for the summariser's stand-ins and tokenizer."""

from __future__ import annotations

_TRAMWAY = """Le tramway de Valmont-sur-Loire entre enfin en service

Après quatre ans de travaux et deux reports successifs, la première ligne de tramway de Valmont-sur-Loire a accueilli ses premiers voyageurs samedi matin. Dès 6 h, une foule compacte attendait sur le quai de la station Gare-Centrale, certains munis d'un appareil photo, d'autres simplement curieux de découvrir ces rames blanches et vertes dont on parle depuis si longtemps.

« C'est un jour que beaucoup d'habitants n'osaient plus espérer », a reconnu la maire, Mme Hélène Carrier, devant les élus réunis pour l'inauguration. La ligne, longue de 11,4 kilomètres, relie en 28 minutes le quartier des Tanneries, au nord, au campus universitaire de la Haute-Prairie, au sud. Elle compte vingt-trois stations et doit transporter, selon les prévisions de la métropole, environ 42 000 voyageurs par jour d'ici la fin de l'année prochaine.

Le projet a coûté 318 millions d'euros, soit 12 % de plus que le budget voté en 2019. L'État a apporté 64 millions d'euros, la région 51 millions, et le reste a été financé par la métropole grâce à un emprunt sur trente ans. M. Julien Fabre, vice-président chargé des mobilités, justifie ce dépassement par « la hausse brutale du prix de l'acier et de l'énergie » et par la découverte, en 2021, de vestiges gallo-romains sous la place du Marché, qui a imposé neuf mois de fouilles archéologiques.

Pour les commerçants du centre-ville, l'ouverture de la ligne met fin à une période difficile. Pendant les travaux, plusieurs rues sont restées fermées à la circulation durant des mois, et certains magasins ont vu leur chiffre d'affaires chuter de moitié. La métropole a versé 2,3 millions d'euros d'indemnités à 187 commerces, une somme jugée « insuffisante » par l'association des commerçants. « Nous avons tenu, mais trois boutiques de la rue des Halles n'ont pas survécu », rappelle sa présidente, Mme Sandrine Aubert, qui tient une librairie depuis vingt ans.

Le tramway circulera de 5 h 30 à minuit en semaine, avec une rame toutes les six minutes aux heures de pointe. Le week-end, le service sera prolongé jusqu'à 1 h 30 du matin, une demande ancienne des étudiants. Le ticket à l'unité coûtera 1,80 euro, le même prix que le bus, et l'abonnement mensuel restera fixé à 38 euros. Les moins de 18 ans voyageront gratuitement pendant tout le mois de septembre.

Les opposants au projet n'ont pas désarmé pour autant. Le collectif « Valmont à vélo » regrette que la piste cyclable promise le long du tracé n'ait été réalisée que sur 4 kilomètres. « On nous avait annoncé un axe continu de la gare au campus ; aujourd'hui, les cyclistes doivent encore slalomer entre les voitures sur le pont Saint-Martin », déplore son porte-parole, M. Karim Benali. La métropole assure que les travaux de la piste reprendront au printemps et qu'ils seront achevés avant l'été 2026.

Sur le plan environnemental, la collectivité met en avant un bilan positif. Selon une étude commandée à un bureau indépendant, le tramway devrait éviter l'émission de 9 500 tonnes de CO2 par an, en remplaçant notamment trois lignes de bus diesel qui desservaient le même trajet. Près de 1 200 arbres ont été plantés le long des voies, et la plateforme a été engazonnée sur 60 % de sa longueur pour limiter les îlots de chaleur en été.

La question de la suite se pose déjà. Une deuxième ligne, reliant l'est de l'agglomération à la zone d'activités des Quatre-Vents, figure dans le plan de mobilité adopté l'an dernier, mais son financement n'est pas bouclé. Son coût est estimé à 240 millions d'euros. « Nous ne lancerons pas ce chantier sans garanties de l'État », prévient M. Fabre, qui espère une décision avant la fin de l'année prochaine.

En attendant, les premiers voyageurs semblaient conquis. « C'est silencieux, c'est rapide, et je n'ai plus besoin de prendre la voiture pour aller au travail », se réjouissait Lucie, infirmière de 34 ans, qui rejoint chaque jour l'hôpital de la Haute-Prairie. À côté d'elle, un retraité plus sceptique comptait les minutes… « On verra en hiver, quand il y aura du monde et de la neige », lançait-il en souriant, avant de monter à son tour dans la rame."""

_FROMAGERIE = """La fromagerie Morel condamnée pour une pollution de la rivière

Le tribunal correctionnel de Bourg-les-Aulnes a condamné jeudi la fromagerie Morel à une amende de 150 000 euros pour avoir rejeté, pendant plusieurs mois, des eaux de lavage non traitées dans la rivière de l'Orvanne. L'entreprise, qui emploie 210 salariés, devra également verser 48 000 euros de dommages et intérêts à la fédération de pêche du département et à deux associations de défense de l'environnement.

Les faits remontent à l'été 2022. Des pêcheurs avaient alerté la gendarmerie après avoir découvert des centaines de poissons morts sur près de 3 kilomètres en aval de l'usine. Les analyses réalisées par l'Office français de la biodiversité avaient révélé un taux d'oxygène dissous tombé à 1,2 milligramme par litre, bien en dessous du seuil de 5 milligrammes nécessaire à la survie des truites.

À l'audience, le directeur du site, M. Philippe Morel, petit-fils du fondateur, a reconnu « une défaillance grave » de la station d'épuration interne, tombée en panne à la suite d'un orage. Il a toutefois contesté toute intention de polluer. « Nous avons réparé la pompe en dix jours et investi depuis 1,4 million d'euros dans un nouveau bassin de rétention », a-t-il expliqué aux juges.

Le procureur, M. Antoine Leclerc, avait requis une amende de 200 000 euros. Il a souligné que l'entreprise avait déjà fait l'objet de deux mises en demeure préfectorales, en 2018 et en 2020, « sans en tirer les conséquences ». Pour la fédération de pêche, la décision est « un signal fort » envoyé à tous les industriels de la vallée. « La rivière mettra au moins cinq ans à retrouver ses populations de poissons », estime son président, M. Gérard Vasseur.

Dans la commune, où la fromagerie est le premier employeur, le jugement est accueilli avec des sentiments mêlés. Beaucoup d'habitants craignent pour l'avenir de l'usine, dont le comté et la tomme sont vendus dans toute la France. « On veut une rivière propre, mais on veut aussi garder nos emplois », résume Mme Nadia Roche, qui travaille à l'affinage depuis quinze ans.

L'entreprise dispose de dix jours pour faire appel. Son avocat, Me Claire Dumas, a indiqué qu'elle étudierait la décision avec ses clients avant de se prononcer. La préfecture, de son côté, a annoncé un renforcement des contrôles sur les onze sites industriels qui rejettent leurs eaux dans l'Orvanne, avec au moins deux inspections inopinées par an."""

_CANICULE = """Sécheresse : les agriculteurs de la plaine de Saint-Aubin réclament de l'aide

Pour la troisième année consécutive, la plaine de Saint-Aubin manque d'eau. Depuis le 1er juin, il n'est tombé que 38 millimètres de pluie sur le secteur, contre 145 en moyenne à la même période, selon les relevés de la station météorologique de l'aérodrome. Les nappes phréatiques sont à leur plus bas niveau depuis 1976, et la préfecture a placé quarante-deux communes en alerte renforcée.

Dans les champs, les conséquences sont visibles. Les épis de maïs restent petits, les tournesols ont séché sur pied et les prairies ont jauni. « J'ai perdu au moins 40 % de ma récolte de maïs, et je vais devoir acheter du fourrage pour nourrir mes vaches cet hiver », raconte M. Olivier Rambaud, éleveur laitier à Montclar, qui exploite 120 hectares avec son fils.

Les restrictions d'irrigation pèsent lourd. Depuis le 15 juillet, les exploitants ne peuvent plus arroser entre 8 h et 20 h, et les prélèvements dans les rivières sont interdits. Certains ont tenté de forer plus profondément, mais le coût d'un forage, autour de 25 000 euros, décourage la plupart d'entre eux. « On nous demande de produire plus local, mais on ne nous donne pas les moyens de tenir », s'agace Mme Céline Barreau, présidente du syndicat agricole départemental.

Le syndicat réclame la reconnaissance de l'état de calamité agricole, qui permettrait d'indemniser une partie des pertes. Il demande aussi un report des cotisations sociales et un fonds d'urgence de 6 millions d'euros pour les éleveurs les plus touchés. Le conseil départemental a déjà débloqué 1,5 million d'euros pour l'achat de fourrage, une aide jugée « bienvenue mais très loin du compte » par les agriculteurs.

Au-delà de l'urgence, la question de l'adaptation revient dans tous les débats. Plusieurs exploitants se tournent vers le sorgho, moins gourmand en eau que le maïs, ou vers des variétés de blé plus précoces. La chambre d'agriculture organise des journées de formation sur l'agroforesterie et la conservation des sols. « Le climat a changé plus vite que nos pratiques », admet M. Rambaud, qui a planté l'an dernier 800 mètres de haies autour de ses parcelles.

Les météorologues ne prévoient pas d'amélioration durable avant l'automne. Un épisode orageux est attendu en fin de semaine, mais il risque d'apporter plus de dégâts que de bienfaits : sur des sols aussi secs, l'eau ruisselle au lieu de s'infiltrer. Les températures devraient encore atteindre 36 °C mercredi."""

_FESTIVAL = """Le festival des Lanternes bat son record de fréquentation

Le festival des Lanternes de Port-Ravel a refermé ses portes dimanche soir sur un record : 96 500 spectateurs en cinq jours, soit 18 % de plus que l'an dernier. Pour sa douzième édition, la manifestation avait misé sur une programmation plus variée, mêlant musiques du monde, théâtre de rue et projections en plein air sur la plage.

Le concert d'ouverture, donné jeudi par l'orchestre régional devant le phare, a réuni à lui seul près de 14 000 personnes. « On n'avait jamais vu autant de monde sur le port, même pour le feu d'artifice du 14 Juillet », s'amusait un restaurateur du quai, qui a servi 1 300 repas dans la soirée. Le lendemain, la compagnie de cirque « Les Vents contraires » a joué trois fois à guichets fermés sous son chapiteau de 600 places.

Pour les organisateurs, ce succès récompense un pari risqué. Le budget du festival a été porté à 2,1 millions d'euros, dont 35 % proviennent de la billetterie, le reste étant couvert par la ville, la région et une quinzaine de mécènes. « Nous avons choisi de maintenir des tarifs bas, avec un pass de cinq jours à 45 euros et la gratuité pour les moins de douze ans », explique la directrice, Mme Élise Marchand.

La fréquentation a toutefois posé des problèmes de sécurité et de circulation. Samedi soir, la gendarmerie a dû fermer l'accès au front de mer pendant une heure, le temps de désengorger les rues voisines. Des habitants se sont plaints du bruit et des stationnements sauvages. La mairie promet des navettes gratuites depuis les parkings de la zone commerciale pour l'édition suivante.

Le bilan économique devrait être publié à l'automne. D'après une première estimation de l'office de tourisme, chaque festivalier a dépensé en moyenne 62 euros sur place, hors billet, ce qui représenterait près de 6 millions d'euros de retombées pour le territoire. Les hôtels affichaient complet depuis le mois de mars, et de nombreux habitants ont loué une chambre pour l'occasion.

La prochaine édition aura lieu du 9 au 13 juillet. Les organisateurs réfléchissent déjà à une limitation de la jauge à 20 000 personnes par soirée, pour préserver « l'esprit convivial » qui a fait la réputation du festival."""

_BUDGET = """Région : un budget 2025 sous le signe de la prudence

Le conseil régional a adopté vendredi, par 58 voix contre 31, un budget de 2,86 milliards d'euros pour l'année 2025, en baisse de 1,7 % par rapport à l'exercice précédent. Une première depuis la fusion des régions, que la présidente de la majorité, Mme Laure Vidal, attribue à « un contexte financier qui ne laisse plus de marge ».

Les recettes de la collectivité ont reculé sous l'effet du ralentissement du marché immobilier, qui pèse sur les droits de mutation, et de la baisse des dotations de l'État, estimée à 74 millions d'euros. Dans le même temps, les dépenses contraintes ont continué d'augmenter : l'entretien des lycées, le transport ferroviaire régional et la hausse du point d'indice des agents représentent à eux seuls 112 millions d'euros supplémentaires.

Pour tenir l'équilibre, la majorité a choisi de réduire de 9 % les subventions aux associations culturelles et sportives et de reporter plusieurs investissements, dont la rénovation de deux lycées professionnels. Le programme de trains express régionaux est en revanche préservé : 24 nouvelles rames, commandées pour 410 millions d'euros, seront livrées entre 2025 et 2027.

L'opposition a dénoncé « un budget de renoncement ». Son chef de file, M. Thomas Girard, reproche à la majorité d'avoir « sacrifié la jeunesse et la culture » tout en maintenant des dépenses de communication qu'il juge excessives, autour de 6,5 millions d'euros par an. « On ferme des classes de BTS et on imprime des magazines sur papier glacé », a-t-il lancé en séance, sous les applaudissements de son groupe.

Le niveau d'endettement de la région reste toutefois maîtrisé, selon la majorité : la dette s'élève à 3,1 milliards d'euros, ce qui représente une capacité de désendettement de 6,8 ans, en dessous du seuil d'alerte fixé à 9 ans par les règles de bonne gestion. L'agence de notation qui suit la collectivité a maintenu sa note en octobre.

Les associations, elles, se mobilisent. Une pétition lancée par un collectif de clubs sportifs a recueilli plus de 27 000 signatures en deux semaines. « Une baisse de 9 %, pour un petit club, c'est la fin d'un emploi d'éducateur ou d'un déplacement en compétition », explique M. Yann Le Goff, président d'un club de handball qui compte 340 licenciés. La présidente de région a promis de recevoir leurs représentants avant la fin du mois."""

FRENCH_ARTICLES: tuple[str, ...] = (_TRAMWAY, _FROMAGERIE, _CANICULE, _FESTIVAL, _BUDGET)

ENGLISH_LINES: tuple[str, ...] = (
    "The city's first tram line opened on Saturday morning after four years of works and two delays.",
    "The 11.4-kilometre line links the northern district of Tanneries with the university campus in 28 minutes.",
    "Planners expect about 42,000 passengers a day by the end of next year, according to the metropolitan council.",
    "The project cost 318 million euros, 12% more than the budget approved in 2019.",
    "Officials blamed the overrun on soaring steel and energy prices and on an archaeological dig under the market square.",
    "Shopkeepers in the centre said the long closure of several streets had halved their takings for months.",
    '"We held on, but three shops on Market Street did not survive," said the head of the traders\' association.',
    "Trams will run every six minutes at peak times, and until 1:30 in the morning at weekends.",
    "A single ticket will cost 1.80 euros, the same as the bus, and the monthly pass stays at 38 euros.",
    "Cycling campaigners complained that only four kilometres of the promised cycle path had been built.",
    "An independent study estimates that the line will avoid 9,500 tonnes of carbon dioxide emissions a year.",
    "Nearly 1,200 trees were planted along the tracks, and grass covers 60% of the platform.",
    "A second line to the eastern business park would cost an estimated 240 million euros, and funding is not yet secured.",
    "A court fined the Morel dairy 150,000 euros on Thursday for discharging untreated washing water into the river.",
    "Anglers had found hundreds of dead fish along almost three kilometres downstream of the plant.",
    "Tests showed dissolved oxygen had fallen to 1.2 milligrams per litre, far below what trout need to survive.",
    "The plant's director admitted a serious failure but denied any intention to pollute.",
    "The company said it had since invested 1.4 million euros in a new retention basin.",
    "Prosecutors had asked for a fine of 200,000 euros, citing two earlier warnings from the prefecture.",
    "The fishing federation said the river would need at least five years to recover its fish stocks.",
    "Many residents fear for the dairy, the town's largest employer, with 210 workers.",
    "The company has ten days to appeal, its lawyer said after the hearing.",
    "Only 38 millimetres of rain have fallen on the plain since the start of June, against 145 in an average year.",
    "Groundwater levels are at their lowest since 1976, and 42 villages have been placed on a heightened drought alert.",
    '"I have lost at least 40% of my maize harvest," said a dairy farmer who works 120 hectares with his son.',
    "Farmers may no longer irrigate between 8 am and 8 pm, and drawing water from rivers is banned.",
    "Drilling a deeper well costs around 25,000 euros, too much for most small farms.",
    "The farmers' union wants a state of agricultural disaster declared and an emergency fund of six million euros.",
    "The county council has released 1.5 million euros to help livestock farmers buy fodder.",
    "Several growers are switching to sorghum, which needs far less water than maize.",
    "Forecasters expect temperatures to reach 36 degrees on Wednesday, with storms later in the week.",
    "The lantern festival closed on Sunday with a record 96,500 visitors over five days, up 18% on last year.",
    "The opening concert by the regional orchestra drew nearly 14,000 people to the harbour.",
    "A circus company played three sold-out shows under its 600-seat big top.",
    "The festival's budget rose to 2.1 million euros, of which 35% came from ticket sales.",
    "A five-day pass cost 45 euros, and children under twelve got in free.",
    "Police closed the seafront for an hour on Saturday evening to ease congestion in nearby streets.",
    "The tourist office estimates that each visitor spent 62 euros on average, excluding tickets.",
    "Organisers are considering a cap of 20,000 people per evening for next year's edition.",
    "The regional council adopted a budget of 2.86 billion euros for 2025 by 58 votes to 31.",
    "It is the first time the budget has fallen since the regions were merged, down 1.7% on the previous year.",
    "State grants to the region are expected to fall by 74 million euros next year.",
    "Subsidies to cultural and sports associations will be cut by 9%, and two school renovations postponed.",
    "Twenty-four new regional trains, ordered for 410 million euros, will be delivered between 2025 and 2027.",
    "The opposition leader accused the majority of sacrificing young people and culture.",
    "The region's debt stands at 3.1 billion euros, which it could repay in 6.8 years at the current rate.",
    "A petition launched by sports clubs gathered more than 27,000 signatures in two weeks.",
    '"For a small club, a 9% cut means losing a coach or a trip to a tournament," a handball club chairman said.',
    "The central bank kept its main interest rate at 3.75% and said inflation was easing slowly.",
    "Engineers will inspect the old bridge on Monday after cracks were found in two of its arches.",
    "The hospital will recruit 85 nurses and 20 doctors before the winter epidemic season.",
    "Ticket prices for the football final have risen by a third, angering supporters' groups.",
    "The ministry said the new exam timetable would give pupils an extra week to revise.",
    "A fire destroyed a warehouse on the industrial estate overnight, but nobody was hurt.",
    "The airline cancelled 120 flights because of a strike by baggage handlers.",
    "Researchers counted 312 species of birds in the marshes, a dozen more than ten years ago.",
    "The town council voted to turn the former barracks into 150 affordable homes.",
    "Heavy snow closed the mountain pass for two days and stranded hundreds of lorries.",
    "The museum will reopen in April after a renovation that cost 18 million euros.",
    "Unions called for a national day of action on Thursday over pensions and wages.",
    "The harbour authority plans to double the number of cruise ships it welcomes by 2030.",
    "A new study suggests that one in five teenagers sleeps less than seven hours a night.",
)
