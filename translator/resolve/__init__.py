"""The query-engine rule (design document, section 4.8): `resolve(catalog, metric_key, toggles)`.

`from translator.resolve import resolve` is the function. The package itself is also callable,
so `translator.resolve(catalog, metric_key, toggles)` works while `translator.resolve` stays the
package (a plain function of the same name would hide the package from `import ... as`).
"""

from __future__ import annotations

import sys
import types

from translator.resolve.engine import ResolveError, resolve

__all__ = ["ResolveError", "resolve"]


class _CallablePackage(types.ModuleType):
    def __call__(self, catalog, metric_key, toggles=None):
        return resolve(catalog, metric_key, toggles)


sys.modules[__name__].__class__ = _CallablePackage
