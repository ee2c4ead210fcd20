"""Search: query analysis, fusion, priors, number matching, selection and abstention."""
