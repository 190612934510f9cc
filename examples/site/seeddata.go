package main

import "github.com/folioblog/folio/blog"

// The sample content a new site starts with: a photographer's journal of
// slow travel, written for Folio. Dates are days before the first start
// (negative: after it), so the archive always spans the last twenty months.

// journalAuthor is who the sample posts are credited to.
var journalAuthor = blog.Author{Name: "Maren Holt", URL: "https://example.com/maren"}

// commenter is a fictional reader of the journal.
type commenter struct {
	Name, Email, URL string
}

var commenters = []commenter{
	{"Tomás Ferreira", "tomas@example.org", "https://example.org/tomas"},
	{"Ines Varga", "ines.varga@example.net", ""},
	{"Oskar Lind", "oskar@example.com", "https://example.com/oskar"},
	{"Priya Raman", "priya.r@example.org", ""},
	{"Hugh Calder", "hugh@example.net", "https://example.net/~hugh"},
	{"Amélie Roux", "amelie@example.com", ""},
	{"Maren Holt", "maren@example.com", "https://example.com/maren"}, // the journal's author answering
	{"Jonas Weber", "jonas.weber@example.org", ""},                   // new: first comments await moderation
	{"Lucía Moreno", "lucia@example.net", "https://example.net/lucia"},
}

// The commenters by index, for the threads below.
const (
	tomas = iota
	ines
	oskar
	priya
	hugh
	amelie
	maren
	jonas
	lucia
)

// seedComment is a comment with its replies.
type seedComment struct {
	Who     int
	Text    string
	Pending bool // held for moderation instead of approved
	Replies []seedComment
}

// seedPost is one post (or page) of the sample content.
type seedPost struct {
	Slug       string
	Title      string
	DaysAgo    int // negative: scheduled that many days after the seed
	Hour       int // local hour of publication
	Kind       blog.Kind
	Status     blog.Status
	Sticky     bool
	Tags       []string
	Categories []string
	Photos     []photo
	Body       string
	Comments   []seedComment
}

var seedPosts = []seedPost{
	{
		Slug: "start-here", Title: "Start here", DaysAgo: 610, Hour: 9, Sticky: true,
		Tags: []string{"journal"}, Categories: []string{"Notes"},
		Photos: []photo{{"start-here.png", sceneHills, true}},
		Body: `This is a journal of slow travel: long walks, slow trains, and the photographs that came home with me.

![Hills at the end of a long day](/media/start-here.png "(Photo: Folio)")

Every post carries a picture or two and a few paragraphs about the place. <!--more-->

If you are new here, the archive on the side is the best way in: pick a month and read forward. The posts tagged *coast* are the ones readers write to me about most.

A few house rules for the comments:

- Be kind; most of us are amateurs.
- Questions about gear are welcome, but the answer is nearly always "the one you have".
- Links are fine, but more than two and your comment waits for me to read it.`,
		Comments: []seedComment{
			{Who: tomas, Text: "Found this through a friend. Reading from the beginning — the photographs are lovely.",
				Replies: []seedComment{{Who: maren, Text: "Thank you, Tomás. Start with the coast posts, they're the best of the early ones."}}},
		},
	},
	{
		Slug: "packing-light-again", Title: "Packing light, again", DaysAgo: 603, Hour: 20,
		Tags: []string{"gear", "packing"}, Categories: []string{"Notes"},
		Body: `Every trip I promise myself a lighter bag, and every trip I fail by about a kilo. This time I wrote the list down first.

## What went in

1. One camera body and two small primes.
2. A spare battery per week of travel, charged.
3. A notebook with unlined pages and two pencils.
4. Rain shell, wool layer, a second pair of socks that stays dry no matter what.

## What stayed home

- The tripod. I will regret this at least once.
- The laptop. Photos go to two cards and a phone; more on that another time.
- Anything I packed "just in case" and did not use last time.

The bag came in at seven kilos. Progress.`,
	},
	{
		Slug: "first-morning-on-the-coast", Title: "First morning on the coast", DaysAgo: 598, Hour: 8,
		Tags: []string{"coast", "morning"}, Categories: []string{"Travel"},
		Photos: []photo{{"first-morning.png", sceneSea, true}},
		Body: `I woke before the alarm, which almost never happens, and walked down to the water with the camera still cold from the night.

![The bay just after sunrise](/media/first-morning.png "(Photo: Folio)")

The fishing boats were already out. One sail stayed close to shore, as if waiting for someone, and I waited with it until the light went flat.`,
		Comments: []seedComment{
			{Who: ines, Text: "That colour in the water! Was it really like that or is it the processing?",
				Replies: []seedComment{
					{Who: maren, Text: "Really like that, for about ten minutes. Then it was grey for the rest of the day.",
						Replies: []seedComment{{Who: ines, Text: "Ten minutes is all you need, I suppose."}}},
				}},
			{Who: hugh, Text: "Early mornings are the only honest light. Good to see someone else out at that hour."},
		},
	},
	{
		Slug: "the-harbour-at-six", Title: "The harbour at six", DaysAgo: 590, Hour: 18,
		Tags: []string{"coast", "boats"}, Categories: []string{"Travel"},
		Photos: []photo{{"harbour-at-six.png", sceneSea, false}},
		Body: `At six the harbour changes shifts: the morning boats are tied up, the nets are spread on the stones, and the evening crowd has not yet found the cafés.

![Boats waiting in the harbour](/media/harbour-at-six.png "(Photo: Folio)")

An old man mending a net let me sit beside him for an hour. He did not want his picture taken, so this is the water he was looking at.`,
	},
	{
		Slug: "hills-behind-the-town", Title: "Hills behind the town", DaysAgo: 583, Hour: 16,
		Tags: []string{"walking", "hills"}, Categories: []string{"Travel"},
		Photos: []photo{{"hills-behind-town.png", sceneHills, false}},
		Body: `Everyone comes for the sea, and nobody walks up the hill. The path starts behind the bakery and climbs through olive terraces for an hour before the view opens.

![The terraces above the town](/media/hills-behind-town.png "(Photo: Folio)")

From the top you can see three villages and, on a clear day, the next headland. I had it to myself except for a dog that followed me up and then, sensibly, went home for lunch.`,
		Comments: []seedComment{
			{Who: oskar, Text: "Is the path marked? I'll be there in the spring.",
				Replies: []seedComment{{Who: maren, Text: "Red and white marks, faded but there. Take water; there is none after the bakery."}}},
		},
	},
	{
		Slug: "a-note-on-captions", Title: "A note on captions", DaysAgo: 560, Hour: 21,
		Tags: []string{"writing", "photography"}, Categories: []string{"Notes"},
		Body: `A caption is the smallest piece of writing on a page and the one most often read. I have been thinking about what mine should do.

<!--more-->

A good caption answers the question the picture raises and no other. If a photograph shows a boat, the caption does not need to say "a boat". It might say whose boat, or why it was still in the harbour at noon.

I also credit every picture, even my own, because the habit costs nothing and because one day I will want to show someone else's work here.

### A short checklist

- Does it say something the picture cannot?
- Is it shorter than two lines on a phone?
- Would it still be true in ten years?`,
		Comments: []seedComment{
			{Who: priya, Text: "\"Answers the question the picture raises and no other\" — I'm stealing this for my students.",
				Replies: []seedComment{
					{Who: maren, Text: "Steal away. I'm sure I stole it from someone first.",
						Replies: []seedComment{
							{Who: priya, Text: "That's how all good teaching works.",
								Replies: []seedComment{{Who: hugh, Text: "And all good captions, apparently."}}},
						}},
				}},
		},
	},
	{
		Slug: "walking-the-ridge", Title: "Walking the ridge", DaysAgo: 540, Hour: 19,
		Tags: []string{"walking", "mountains"}, Categories: []string{"Travel"},
		Photos: []photo{{"walking-the-ridge.png", sceneMountain, false}, {"ridge-evening.png", sceneMountain, true}},
		Body: `Two days along the ridge, from the saddle to the old border post, with a night in the hut halfway.

## Day one

The climb to the saddle is the hard part: four hours of switchbacks, then suddenly the whole range in front of you.

![The range from the saddle](/media/walking-the-ridge.png "(Photo: Folio)")

## Day two

We left the hut in the dark to catch the light on the far peaks. It was worth every stumble.

![Evening light on the peaks](/media/ridge-evening.png "(Photo: Folio)")

The descent took longer than the map promised. They always do.`,
		Comments: []seedComment{
			{Who: tomas, Text: "The second picture is my favourite so far."},
			{Who: amelie, Text: "How cold was it at the hut?",
				Replies: []seedComment{{Who: maren, Text: "Just below freezing inside until the stove got going. Bring a warm hat to sleep in."}}},
		},
	},
	{
		Slug: "weather-notes", Title: "Weather notes", DaysAgo: 536, Hour: 12,
		Tags: []string{"weather", "mountains"}, Categories: []string{"Notes"},
		Body: `I kept a small weather log on the ridge walk, mostly to see whether my feeling that "it was freezing" survived the numbers.

| Time | Place | Temperature | Sky |
| --- | --- | ---: | --- |
| 07:00 | Valley floor | 9 °C | Clear |
| 11:00 | The saddle | 4 °C | Cloud coming in |
| 15:00 | Ridge, east end | 2 °C | Wind, some sleet |
| 21:00 | The hut | -1 °C | Stars |
| 06:00 | The hut | -3 °C | Clear, still |

It was, in fact, freezing. The feeling was right.`,
	},
	{
		Slug: "night-on-the-pass", Title: "Night on the pass", DaysAgo: 530, Hour: 23,
		Tags: []string{"night", "mountains"}, Categories: []string{"Travel"},
		Photos: []photo{{"night-on-the-pass.png", sceneNight, false}},
		Body: `No moon until late, no town for thirty kilometres, and a sky so full that the constellations were hard to find among the rest.

![Stars over the pass](/media/night-on-the-pass.png "(Photo: Folio)")

I stood out long enough to lose feeling in my fingers. Then the moon came up over the ridge and the show was over.`,
	},
	{
		Slug: "city-of-stairs", Title: "City of stairs", DaysAgo: 505, Hour: 20,
		Tags: []string{"city", "dusk"}, Categories: []string{"Travel"},
		Photos: []photo{{"city-of-stairs.png", sceneCity, true}},
		Body: `A city built on seven hills, or so everyone says; I counted more. Every street ends in steps, and every flight of steps ends in a view.

![The old town at dusk](/media/city-of-stairs.png "(Photo: Folio)")

At dusk the windows come on one by one, and from the terrace below the castle you can watch a whole neighbourhood get home.`,
		Comments: []seedComment{
			{Who: ines, Text: "I lived there for two years. You found the best terrace.",
				Replies: []seedComment{{Who: maren, Text: "A waiter told me about it. I'll keep his secret."}}},
		},
	},
	{
		Slug: "tram-28-and-other-crowds", Title: "Tram 28 and other crowds", DaysAgo: 500, Hour: 15,
		Tags: []string{"city"}, Categories: []string{"Travel"},
		Body: `The famous tram is a fine way to see the old town if you enjoy standing on one foot with a stranger's backpack in your ear. I gave up after two stops and walked the route instead.

Walking it, you see what the tram passengers cannot: the doorways, the tiled façades up close, the cats asleep on warm cars. It took three hours and I would do it again.`,
	},
	{
		Slug: "how-i-back-up-photos-on-the-road", Title: "How I back up photos on the road", DaysAgo: 497, Hour: 22,
		Tags: []string{"workflow", "gear"}, Categories: []string{"Notes"},
		Body: `Several readers asked, so here it is. No laptop, no cloud on hotel wifi: just two cards and a small script on a phone-sized computer.

<!--more-->

Every evening I copy the day's card to a second card and check that the copies match:

~~~sh
#!/bin/sh
# Copy today's photos from the camera card to the backup card,
# then compare checksums before the camera card is reused.
set -eu
src=/media/camera/DCIM
dst=/media/backup/$(date +%Y-%m-%d)
mkdir -p "$dst"
rsync -a --checksum "$src"/ "$dst"/
( cd "$src" && find . -type f -exec sha256sum {} + ) | sort > /tmp/src.sum
( cd "$dst" && find . -type f -exec sha256sum {} + ) | sort > /tmp/dst.sum
cmp /tmp/src.sum /tmp/dst.sum && echo "backup verified: $dst"
~~~

It is not clever, and that is the point: I can read it when I am tired, which is when backups happen.

The two cards travel in different bags. A third copy goes home by post once a month, the slow way.`,
		Comments: []seedComment{
			{Who: oskar, Text: "Why rsync and then a separate checksum pass?",
				Replies: []seedComment{
					{Who: maren, Text: "Belt and braces. rsync checks what it copies; the second pass checks what is on the card now.",
						Replies: []seedComment{{Who: oskar, Text: "Fair. Cards do fail in strange ways."}}},
				}},
			{Who: hugh, Text: "Sending a card home by post is wonderfully old-fashioned. I love it."},
		},
	},
	{
		Slug: "into-the-pines", Title: "Into the pines", DaysAgo: 470, Hour: 10,
		Tags: []string{"forest", "walking"}, Categories: []string{"Travel"},
		Photos: []photo{{"into-the-pines.png", sceneForest, false}},
		Body: `Mist all morning, so the forest came in layers: the near trees dark and sharp, the far ones only suggestions.

![Pines in the morning mist](/media/into-the-pines.png "(Photo: Folio)")

I walked without a plan, keeping the stream on my left, and came out four hours later at a village whose name I still cannot pronounce.`,
	},
	{
		Slug: "short-days", Title: "Short days", DaysAgo: 440, Hour: 17,
		Tags: []string{"night", "winter"}, Categories: []string{"Travel"},
		Photos: []photo{{"short-days.png", sceneNight, false}},
		Body: `In the north in December the sun barely clears the hills, and by four the sky is full of stars.

![The sky at half past four](/media/short-days.png "(Photo: Folio)")

Short days make for long evenings, and long evenings make for a lot of reading. I finished three books this week and started this journal's index.`,
	},
	{
		Slug: "winter-light-on-the-estuary", Title: "Winter light on the estuary", DaysAgo: 410, Hour: 14,
		Tags: []string{"coast", "winter"}, Categories: []string{"Travel"},
		Photos: []photo{{"winter-estuary.png", sceneSea, true}},
		Body: `Low tide, low sun, and the whole estuary turned to copper for an hour in the early afternoon.

![The estuary at low tide](/media/winter-estuary.png "(Photo: Folio)")`,
		Comments: []seedComment{
			{Who: amelie, Text: "This one should be printed large."},
		},
	},
	{
		Slug: "a-year-of-this-journal", Title: "A year of this journal", DaysAgo: 405, Hour: 20,
		Tags: []string{"journal"}, Categories: []string{"Notes"},
		Body: `A year ago I posted the first picture here with no idea whether anyone would look at it. Some of you did[^1], and some of you wrote back, which I did not expect at all.

A few numbers, for the record: forty-one places slept in, about nine hundred kilometres walked[^2], and one camera dropped in a river and, remarkably, revived.

Thank you for reading. More walking next year.

[^1]: Mostly on Sunday evenings, judging by the comments.
[^2]: Counted from the notebook, so probably an underestimate.`,
		Comments: []seedComment{
			{Who: tomas, Text: "Happy anniversary! Here's to another year.",
				Replies: []seedComment{{Who: maren, Text: "Thank you — and thank you for being the first to comment, all that time ago."}}},
			{Who: priya, Text: "Which river?",
				Replies: []seedComment{
					{Who: maren, Text: "A very shallow one, luckily. I'll tell the whole story some day.",
						Replies: []seedComment{{Who: priya, Text: "Holding you to that."}}},
				}},
		},
	},
	{
		Slug: "the-dunes-at-noon", Title: "The dunes at noon", DaysAgo: 380, Hour: 13,
		Tags: []string{"desert"}, Categories: []string{"Travel"},
		Photos: []photo{{"dunes-at-noon.png", sceneDesert, false}},
		Body: `Everyone says to photograph dunes at dawn or dusk, and everyone is right. I went at noon anyway, to see what the flat light would do.

![Dunes under a high sun](/media/dunes-at-noon.png "(Photo: Folio)")

It flattened everything, as promised, but it also turned the sand into pure shape.`,
	},
	{
		Slug: "sand-in-everything", Title: "Sand in everything", DaysAgo: 376, Hour: 19,
		Tags: []string{"desert", "gear"}, Categories: []string{"Travel"},
		Photos: []photo{{"sand-in-everything.png", sceneDesert, true}},
		Body: `Three days in the dunes and there is sand in the camera bag, the notebook, the bread and, somehow, inside a sealed bottle of water.

![The last light on the dunes](/media/sand-in-everything.png "(Photo: Folio)")

Change lenses inside a bag, with your back to the wind, or not at all.`,
	},
	{
		Slug: "market-day", Title: "Market day", DaysAgo: 372, Hour: 11,
		Tags: []string{"city", "food"}, Categories: []string{"Travel"},
		Photos: []photo{{"market-day.png", sceneCity, false}},
		Body: `Saturday is market day, and the whole town comes down to the square before the heat. Oranges, dried fish, rope, radios, and a man selling only keys.

![The town above the market square](/media/market-day.png "(Photo: Folio)")`,
	},
	{
		Slug: "ferry-crossing", Title: "Ferry crossing", DaysAgo: 350, Hour: 9,
		Tags: []string{"coast", "boats"}, Categories: []string{"Travel"},
		Photos: []photo{{"ferry-crossing.png", sceneSea, false}},
		Body: `Four hours on deck with a thermos and a borrowed blanket. The island came up out of the haze like a rumour and stayed one until the last half hour.

![Open water on the crossing](/media/ferry-crossing.png "(Photo: Folio)")`,
	},
	{
		Slug: "spring-in-the-valley", Title: "Spring in the valley", DaysAgo: 320, Hour: 17,
		Tags: []string{"hills", "spring"}, Categories: []string{"Travel"},
		Photos: []photo{{"spring-valley.png", sceneHills, false}},
		Body: `Back to the valley I walked through in autumn, to see it green. The stream I forded in October is now a river, and the path has grown over.

![The valley in spring](/media/spring-valley.png "(Photo: Folio)")

Worth the wet feet.`,
		Comments: []seedComment{
			{Who: oskar, Text: "Same valley as the October post? It's unrecognisable.",
				Replies: []seedComment{{Who: maren, Text: "Same one, same bend in the path. I stood on the same rock."}}},
		},
	},
	{
		Slug: "three-lenses-one-month", Title: "Three lenses, one month", DaysAgo: 300, Hour: 21,
		Tags: []string{"gear", "photography"}, Categories: []string{"Notes"},
		Body: `For a month I allowed myself three fixed lenses and no zoom. Here is what I learned.

<!--more-->

- **The wide one** went on for towns and interiors, and came off whenever there were people: it makes everyone look like they are falling over.
- **The normal one** stayed on most of the time. It sees the way I remember things.
- **The long one** was for the mountains, and for the one afternoon I spent watching a heron.

Would I do it again? Yes, but with two.`,
	},
	{
		Slug: "above-the-cloud-line", Title: "Above the cloud line", DaysAgo: 270, Hour: 7,
		Tags: []string{"mountains", "morning"}, Categories: []string{"Travel"},
		Photos: []photo{{"above-the-clouds.png", sceneMountain, true}},
		Body: `The valley was full of cloud, the peaks were not, and for an hour I was standing on the shore of a white sea.

![Peaks above a sea of cloud](/media/above-the-clouds.png "(Photo: Folio)")`,
		Comments: []seedComment{
			{Who: hugh, Text: "Inversions are the best reward for an early start."},
			{Who: ines, Text: "Wallpaper, immediately."},
		},
	},
	{
		Slug: "hut-book", Title: "Hut book", DaysAgo: 266, Hour: 20,
		Tags: []string{"mountains", "journal"}, Categories: []string{"Notes"},
		Body: `Every mountain hut has a book, and every book is better than most novels. Tonight's has entries in nine languages going back to 1987, including a recipe for soup, a marriage proposal (accepted, two pages later) and a drawing of the hut's cat, who is still here.`,
	},
	{
		Slug: "descent", Title: "Descent", DaysAgo: 262, Hour: 18,
		Tags: []string{"walking", "hills"}, Categories: []string{"Travel"},
		Photos: []photo{{"descent.png", sceneHills, true}},
		Body: `Down from the mountains in one long day, through pasture, then forest, then the first orchards, then, abruptly, a road with cars on it.

![The last hills before the valley](/media/descent.png "(Photo: Folio)")`,
	},
	{
		Slug: "rooftops", Title: "Rooftops", DaysAgo: 230, Hour: 21,
		Tags: []string{"city", "dusk"}, Categories: []string{"Travel"},
		Photos: []photo{{"rooftops.png", sceneCity, true}},
		Body: `The guesthouse has a roof terrace, and from it a whole world of other roof terraces: washing lines, pigeons, a man practising the trumpet badly and with great joy.

![Rooftops after sunset](/media/rooftops.png "(Photo: Folio)")`,
		Comments: []seedComment{
			{Who: amelie, Text: "I can almost hear the trumpet.",
				Replies: []seedComment{{Who: maren, Text: "Be glad it's only almost."}}},
		},
	},
	{
		Slug: "the-long-train-north", Title: "The long train north", DaysAgo: 200, Hour: 12,
		Tags: []string{"trains", "forest"}, Categories: []string{"Travel"},
		Photos: []photo{{"long-train-north.png", sceneForest, false}},
		Body: `Nineteen hours, two changes, one dining car that ran out of everything but coffee. Outside, forest, forest, lake, forest.

![Forest from the train window](/media/long-train-north.png "(Photo: Folio)")

I have never been happier on a journey.`,
		Comments: []seedComment{
			{Who: tomas, Text: "Slow trains are the best trains."},
		},
	},
	{
		Slug: "lighthouse-keepers-cottage", Title: "The lighthouse keeper's cottage", DaysAgo: 170, Hour: 19,
		Tags: []string{"coast"}, Categories: []string{"Travel"},
		Photos: []photo{{"lighthouse-cottage.png", sceneSea, true}},
		Body: `A week in a cottage that once housed the keeper of a lighthouse that no longer needs one. The light still turns, on its own, all night.

![The sea from the cottage door](/media/lighthouse-cottage.png "(Photo: Folio)")

There is a logbook in the kitchen, kept by the last keeper until 1994. His final entry: "Wind SW, fresh. All well."`,
		Comments: []seedComment{
			{Who: priya, Text: "That last entry gave me chills.",
				Replies: []seedComment{
					{Who: hugh, Text: "\"All well\" is a good way to end anything.",
						Replies: []seedComment{{Who: maren, Text: "I copied it into my notebook, to use when it is true."}}},
				}},
		},
	},
	{
		Slug: "stars-over-the-reservoir", Title: "Stars over the reservoir", DaysAgo: 140, Hour: 23,
		Tags: []string{"night"}, Categories: []string{"Travel"},
		Photos: []photo{{"reservoir-stars.png", sceneNight, false}},
		Body: `Still water doubles the sky. I had hoped for that, and for once the wind agreed.

![Stars above the reservoir](/media/reservoir-stars.png "(Photo: Folio)")`,
	},
	{
		Slug: "old-bridges", Title: "Old bridges", DaysAgo: 110, Hour: 16,
		Tags: []string{"city", "walking"}, Categories: []string{"Travel"},
		Photos: []photo{{"old-bridges.png", sceneCity, false}},
		Body: `A walk across every bridge in the old town, eleven in all, from the stone one the Romans are blamed for to the iron one that sways a little when a bus goes over.

![The town from the iron bridge](/media/old-bridges.png "(Photo: Folio)")`,
	},
	{
		Slug: "rain-mostly", Title: "Rain, mostly", DaysAgo: 80, Hour: 15,
		Tags: []string{"forest", "weather"}, Categories: []string{"Travel"},
		Photos: []photo{{"rain-mostly.png", sceneForest, false}},
		Body: `Six days of rain. The camera stayed in its bag for five of them. On the sixth the cloud lifted for twenty minutes, and this is what I saw.

![The forest after the rain](/media/rain-mostly.png "(Photo: Folio)")`,
	},
	{
		Slug: "harvest-road", Title: "Harvest road", DaysAgo: 50, Hour: 18,
		Tags: []string{"hills", "autumn"}, Categories: []string{"Travel"},
		Photos: []photo{{"harvest-road.png", sceneHills, true}},
		Body: `The road through the vineyards is busy this week with tractors and trailers of grapes, and everyone waves.

![The vineyards at the end of the day](/media/harvest-road.png "(Photo: Folio)")

I was given more grapes than I could carry, and carried them anyway.`,
		Comments: []seedComment{
			{Who: ines, Text: "The light in this one is perfect."},
			{Who: oskar, Text: "Did you go to the festival at the end of the week?",
				Replies: []seedComment{{Who: maren, Text: "I did. Post coming once I've sorted the pictures."}}},
		},
	},
	{
		Slug: "back-to-the-coast", Title: "Back to the coast", DaysAgo: 30, Hour: 10,
		Tags: []string{"coast", "boats"}, Categories: []string{"Travel"},
		Photos: []photo{{"back-to-the-coast.png", sceneSea, false}},
		Body: `Two years on, back to the bay where this journal began. The bakery has changed hands, the harbour has a new wall, and the boats still go out before dawn.

![The bay, two years later](/media/back-to-the-coast.png "(Photo: Folio)")`,
		Comments: []seedComment{
			{Who: tomas, Text: "Full circle!"},
			{Who: hugh, Text: "Please tell me the old man with the nets is still there.",
				Replies: []seedComment{{Who: maren, Text: "He is. He still doesn't want his picture taken."}}},
			{Who: jonas, Text: "First time commenting — I've read every post since the start. Thank you for all of it.", Pending: true},
		},
	},
	{
		Slug: "printing-the-year", Title: "Printing the year", DaysAgo: 22, Hour: 20,
		Tags: []string{"photography", "journal"}, Categories: []string{"Notes"},
		Body: `I printed twenty pictures from the last year, small, on matte paper, and laid them on the floor to choose ten for the wall.

It took an evening. What surprised me: none of the "best" pictures, the ones with the most comments here, made it into the ten. The ones I chose were the quiet ones, the ones I remember taking.`,
		Comments: []seedComment{
			{Who: lucia, Text: "Which ones made it? I'd love to see the ten together in one post.", Pending: true},
		},
	},
	{
		Slug: "fog-at-the-pass", Title: "Fog at the pass", DaysAgo: 12, Hour: 9,
		Tags: []string{"mountains", "weather"}, Categories: []string{"Travel"},
		Photos: []photo{{"fog-at-the-pass.png", sceneMountain, false}},
		Body: `We drove up for the view and found only fog. Then, for one minute, it opened.

![The pass when the fog opened](/media/fog-at-the-pass.png "(Photo: Folio)")`,
	},
	{
		Slug: "notes-for-the-next-trip", Title: "Notes for the next trip", DaysAgo: 7, Hour: 21,
		Tags: []string{"packing", "journal"}, Categories: []string{"Notes"},
		Body: `The next trip is east, by train as far as the trains go. A few notes to myself:

1. Pack the tripod this time.
2. Learn thirty words of the language before leaving, not on the train.
3. Write something every day, even one line.

More soon.`,
	},
	{
		Slug: "heading-east", Title: "Heading east", DaysAgo: -9, Hour: 8,
		Tags: []string{"trains"}, Categories: []string{"Travel"},
		Photos: []photo{{"heading-east.png", sceneHills, true}},
		Body: `The first post from the road east, written in advance and published on the day of departure.

![Hills at the start of the road east](/media/heading-east.png "(Photo: Folio)")`,
	},
	{
		Slug: "the-salt-flats", Title: "The salt flats (draft)", DaysAgo: 3, Hour: 22, Status: blog.StatusDraft,
		Tags: []string{"desert"}, Categories: []string{"Travel"},
		Body: `Notes for a post that is not ready yet: white ground, white sky, no horizon. Need the pictures from the second card.`,
	},
	{
		Slug: "about", Title: "About", DaysAgo: 612, Hour: 9, Kind: blog.KindPage,
		Body: `This journal is kept by Maren Holt, a photographer who prefers trains to planes and walking to either.

The pictures here are made on the road and the words are written in the evenings, usually in a notebook first.

It runs on [Folio](https://github.com/folioblog/folio), an embeddable blog engine for Go. Everything you see — the posts, the photographs, the comments — is sample content that Folio's demo site creates the first time it starts.`,
	},
}
