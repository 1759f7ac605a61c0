#include "importjournal.h"

namespace cepheid {

ImportJournal::ImportJournal(sql::Database& database)
    : m_database(database)
{
    try {
        // The pragma answers with the mode in force: still "wal" when SQLite could not leave it.
        auto mode = m_database.prepare("PRAGMA journal_mode = DELETE");
        m_switched = mode.step() && mode.text(0) == "delete";
    } catch (const sql::Error&) {
        m_switched = false; // another connection has the case open (SQLITE_BUSY): keep WAL
    }
    // Under a rollback journal FULL syncs the journal before the case is written, so a power cut cannot corrupt it;
    // EXTRA also syncs the folder once the journal is deleted, which is what makes the commit itself durable.
    if (m_switched)
        m_database.execute("PRAGMA synchronous = EXTRA");
}

ImportJournal::~ImportJournal()
{
    if (!m_switched)
        return;
    try {
        m_database.execute("PRAGMA journal_mode = WAL");
        m_database.execute("PRAGMA synchronous = NORMAL");
    } catch (const sql::Error&) {
        // Left under the rollback journal the case is as safe, but readers wait while it is written; the next
        // connection that opens it for writing sets WAL again (CaseFile::open). Nothing to report from a destructor.
    }
}

} // namespace cepheid
