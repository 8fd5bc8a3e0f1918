"""The store's errors as the console meets them: named here, so that a screen catching
one need not reach into the store."""

from gridcenter.store.database import StoreBusy

__all__ = ["StoreBusy"]
