package pgstore

// guardFloodSQL returns the creation time of the newest comment from $1
// (an address) or $2 (an email, case-insensitively) created after $3, or
// no row.
const guardFloodSQL = `
SELECT max(created_at) FROM (
	(SELECT created_at FROM {S}comments WHERE $1 <> '' AND ip = $1 AND created_at > $3
	 ORDER BY listed_at DESC, id DESC LIMIT 1)
	UNION ALL
	(SELECT created_at FROM {S}comments WHERE $2 <> '' AND lower(author_email) = lower($2)
	 AND created_at > $3 ORDER BY listed_at DESC, id DESC LIMIT 1)
) AS recent`
