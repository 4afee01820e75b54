/* Capabilities: names, Docker's default set, and applying a spec's sets to the current process. */
#ifndef SR_CAPS_H
#define SR_CAPS_H

#include "spec.h"

/* Drops every capability outside the bounding set (needs CAP_SETPCAP; call while still root). */
int sr_caps_drop_bounding(const sr_caps *caps, sr_err *err);
/* Switches uid/gid (keeping capabilities across the switch), then sets effective/permitted/inheritable/ambient. */
int sr_caps_apply_user(const sr_spec *spec, sr_err *err);

#endif
