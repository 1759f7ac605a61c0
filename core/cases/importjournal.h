#pragma once

#include "sqlite.h"

namespace cepheid {

// For the length of one import, the case's connection writes under SQLite's rollback journal instead of its WAL
// (docs/case-format.md, "Pages, and how an import is written"). WAL writes every page twice, into the log and then,
// at the checkpoint, into the case, syncing both: for a 1 M-event import that was 0.3-0.7 s of 2.1 s. Under a rollback
// journal the new pages are written once, into the case, and only the few pages that existed before the import are
// journaled, so a crash or SIGKILL part-way still leaves the case as it was: the next connection that can write rolls
// it back (CaseFile::open does that for a read-only one). SQLite leaves WAL only on a case's sole connection: when
// another is open (a report being written from the case), the import keeps WAL, slower but the same. Under the
// rollback journal the import's transaction must be exclusive (sql::Transaction::Lock::Exclusive), or a reader that
// slipped in could make its commit wait. The switch back to WAL happens when this object ends, whatever the import's
// outcome; it must end after the import's transaction.
class ImportJournal
{
public:
    explicit ImportJournal(sql::Database& database);
    ~ImportJournal();
    ImportJournal(const ImportJournal&) = delete;
    ImportJournal& operator=(const ImportJournal&) = delete;

    // Whether this import writes under the rollback journal.
    bool rollbackJournal() const { return m_switched; }

private:
    sql::Database& m_database;
    bool m_switched = false;
};

} // namespace cepheid
