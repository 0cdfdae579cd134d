"""Building meters read over Modbus TCP (issue 16): the register maps of common three-phase
meters and the poller that hands their phase currents to the site load controller."""
