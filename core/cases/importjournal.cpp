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
    // Under a rollback journal, FULL is what makes a commit durable and a power cut unable to corrupt the case.
    if (m_switched)
        m_database.execute("PRAGMA synchronous = FULL");
}

ImportJournal::~ImportJournal()
{
    if (!m_switched)
        return;
    try {
        m_database.execute("PRAGMA journal_mode = WAL");
        m_database.execute("PRAGMA synchronous = NORMAL");
    } catch (const sql::Error&) {
        // Left under the rollback journal, the case is as safe and as readable; the next connection that opens it for
        // writing sets WAL again (CaseFile::open). Nothing to report from a destructor.
    }
}

} // namespace cepheid
