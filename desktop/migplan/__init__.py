"""MigPlan: offline planning of VM-to-container migrations, wave by wave."""

__version__ = "0.1.0"
