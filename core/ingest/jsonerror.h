#pragma once

#include "formatreader.h"

#include <simdjson.h>
#include <string>

namespace cepheid {

// simdjson's error codes, said the way an analyst needs them; every JSON reader rejects a record with
// "invalid JSON: " + this.
std::string describeJsonError(simdjson::error_code code);

// A RecordParser that parses each record into simdjson's DOM and rejects one that is not JSON ("invalid JSON: …",
// with the record's start); the format reads the parsed root.
class DomRecordParser : public RecordParser
{
public:
    void parse(const JsonRecordSplitter::Record& record, RecordSink& sink) final;

protected:
    virtual void read(simdjson::dom::element root, const JsonRecordSplitter::Record& record, RecordSink& sink) = 0;

private:
    simdjson::dom::parser m_parser;
};

} // namespace cepheid
