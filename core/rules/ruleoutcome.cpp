#include "ruleoutcome.h"

namespace cepheid {

DroppedEvents& DroppedEvents::operator+=(const DroppedEvents& other)
{
    eventType += other.eventType;
    direction += other.direction;
    noHostname += other.noHostname;
    domainMismatch += other.domainMismatch;
    emptySourceIp += other.emptySourceIp;
    emptyProcessPath += other.emptyProcessPath;
    return *this;
}

} // namespace cepheid
