# Models arrive with the screening feature.
