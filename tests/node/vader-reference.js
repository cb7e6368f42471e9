'use strict';
// Prints one JSON line per labelled sentence in the `sentiment` package's fixtures (UCI Sentiment Labelled
// Sentences: amazon, imdb, yelp), with the compound score of the reference VADER (npm vader-sentiment).
// The C# faithfulness and accuracy tests read this output; nothing here is shipped.
const vader = require('vader-sentiment');

for (const set of ['amazon', 'imdb', 'yelp']) {
  const rows = require(`sentiment/test/fixtures/${set}.json`);
  for (const row of rows) {
    const compound = vader.SentimentIntensityAnalyzer.polarity_scores(row.text).compound;
    process.stdout.write(JSON.stringify({ set, text: row.text, label: row.class, compound }) + '\n');
  }
}
