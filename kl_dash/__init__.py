"""kl_dash: steering dashboard for KL's municipal partnership programmes."""

__version__ = "0.1.0"
