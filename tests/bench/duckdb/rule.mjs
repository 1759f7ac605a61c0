// The seed rule's outcome computed by DuckDB SQL over the same NDJSON export, for DESIGN.md's budget "ingest +
// group + score faster than DuckDB computing the same rule outcome". A benchmark, not a test; see README.md here.
//
//   node rule.mjs [--repeat N] FILE.ndjson
//
// Prints DuckDB's best time and the firing flows it finds (the same (src_ip, dest_host, proc_path) count
// `cepheid-cli score` reports as flows_firing under the default profile, hop windows).

import { DuckDBInstance } from '@duckdb/node-api';

const args = process.argv.slice(2);
let repeat = 3;
const repeatAt = args.indexOf('--repeat');
if (repeatAt >= 0) {
  repeat = Math.max(1, Number(args[repeatAt + 1]));
  args.splice(repeatAt, 2);
}
const file = args[0];
if (!file) {
  console.error('usage: node rule.mjs [--repeat N] FILE.ndjson');
  process.exit(2);
}

// Verbatim from t1584_007_serverless_c2_beaconing; regexp_matches is a partial match, like re.regex.
const regex = String.raw`(?i)(.*\.workers\.dev|.*\.cloudflareworkers\.com|.*\.execute-api\.[a-z0-9-]+\.amazonaws\.com|.*\.lambda-url\.[a-z0-9-]+\.amazonaws\.com|script\.google\.com|.*\.cloudfunctions\.net|.*\.run\.app|.*\.azurewebsites\.net|.*\.pages\.dev|.*\.netlify\.app|.*\.vercel\.app|.*\.supabase\.co|.*\.deno\.dev)`;
const windowUs = 24n * 3600n * 1000000n;
const hopUs = windowUs / 10n; // Cepheid's hop model: window / 10, aligned to the Unix epoch

// Events section and the zero-value filter, repeated principal IPs fanned out, every hop window that holds
// the event (half-open [start, start + window)), then the outcome and the condition per flow and window.
const sql = `
WITH events AS (
  SELECT metadata.id AS id,
         epoch_us(metadata.eventTimestamp) AS t,
         hour(metadata.eventTimestamp) AS h,
         unnest(principal.ip) AS src_ip,
         target.hostname AS dest_host,
         principal.process.file.fullPath AS proc_path,
         coalesce(TRY_CAST(network.sentBytes AS HUGEINT), 0) AS sent,
         coalesce(TRY_CAST(network.receivedBytes AS HUGEINT), 0) AS received
  FROM read_ndjson_auto('${file.replaceAll("'", "''")}')
  WHERE metadata.eventType = 'NETWORK_CONNECTION' AND network.direction = 'OUTBOUND'
    AND regexp_matches(target.hostname, '${regex.replaceAll("'", "''")}')
), eligible AS (
  SELECT * FROM events WHERE src_ip <> '' AND dest_host <> '' AND proc_path <> ''
), windowed AS (
  SELECT eligible.*, unnest(range((t // ${hopUs} - 9) * ${hopUs}, (t // ${hopUs}) * ${hopUs} + 1, ${hopUs})) AS start
  FROM eligible
), outcomes AS (
  SELECT src_ip, dest_host, proc_path, start,
         count(DISTINCT id) AS event_count,
         count(DISTINCT h) AS hour_buckets,
         floor(sum(sent) / count(DISTINCT id)) AS avg_sent,
         floor(sum(received) / count(DISTINCT id)) AS avg_received
  FROM windowed
  WHERE t >= start AND t < start + ${windowUs}
  GROUP BY ALL
)
SELECT count(DISTINCT (src_ip, dest_host, proc_path)) AS firing_flows, count(*) AS firing_windows
FROM outcomes
WHERE event_count >= 12 AND hour_buckets >= 3 AND avg_sent < 4096 AND avg_received < 16384`;

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
let best = Infinity;
let rows;
for (let run = 0; run < repeat; ++run) {
  const started = process.hrtime.bigint();
  rows = (await connection.runAndReadAll(sql)).getRows();
  best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e9);
}
const threads = (await connection.runAndReadAll('SELECT current_setting(\'threads\')')).getRows()[0][0];
const version = (await connection.runAndReadAll('SELECT version()')).getRows()[0][0];
console.log(`duckdb ${version}, ${threads} threads`);
console.log(`rule outcome in SQL  ${best.toFixed(3)} s (best of ${repeat})  firing flows ${rows[0][0]}, firing windows ${rows[0][1]}`);
