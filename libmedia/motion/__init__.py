"""Motion: video scenes laid out like images, animated by frozen effects.

``easing``    curves, progress 0..1 -> eased progress;
``effects``   entrances, exits and scene transitions, by name;
``timeline``  scenes of pre-drawn layers; a frame is a function of time;
``build``     template -> laid-out scenes -> a :class:`Timeline`;
``clip``      a timeline with its music and words -> an MP4 and its cover.
"""
